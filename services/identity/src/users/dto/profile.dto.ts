import type { UserRole } from '@therapy-room/contracts';

export interface ProfileDto {
  id: string;
  email: string;
  displayName: string;
  role: UserRole;
  status: string;
  organisation: { id: string; slug: string; name: string; region: string };
}
