export const PLATFORM_LOGGER = Symbol('PLATFORM_LOGGER');
