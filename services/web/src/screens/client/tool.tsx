import { useTranslation } from 'react-i18next';
import { useWork } from '../../api/queries';
import { Loading, Page } from '../../ui/page';
import { Problem } from '../../ui/problem';
import { DiaryTool } from './diary';
import { QuestionnaireTool } from './questionnaire';
import { ModuleTool } from './module';

/** One of my tools: a diary, a questionnaire or a module, by what the assignment is. */
export function ToolScreen({ params }: { params: { assignmentId: string } }) {
  const { t } = useTranslation();
  const work = useWork(params.assignmentId);
  if (work.isPending) return <Loading />;
  if (work.error) return <Problem error={work.error} />;
  const w = work.data;
  return (
    <Page title={w.title}>
      {w.content.description && <p>{w.content.description}</p>}
      {w.kind === 'diary' && <DiaryTool work={w} />}
      {w.kind === 'questionnaire' && <QuestionnaireTool work={w} />}
      {w.kind === 'module' && <ModuleTool work={w} />}
      {w.status === 'withdrawn' && <p role="status">{t('tool.withdrawn')}</p>}
    </Page>
  );
}
