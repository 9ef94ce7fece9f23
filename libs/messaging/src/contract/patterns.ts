/** Message patterns, versioned: a breaking payload change gets a new version, never an edit. */
export const ProjectPattern = {
  Create: 'projects.create.v1',
  List: 'projects.list.v1',
  Get: 'projects.get.v1',
  Update: 'projects.update.v1',
  Delete: 'projects.delete.v1',
} as const;
export type ProjectPattern = (typeof ProjectPattern)[keyof typeof ProjectPattern];
