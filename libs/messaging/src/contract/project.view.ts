/** A project as the API returns it; dates are ISO 8601 strings. */
export interface ProjectView {
  id: string;
  tenantId: string;
  name: string;
  description: string | null;
  status: 'active' | 'archived';
  createdAt: string;
  updatedAt: string;
}

export interface ProjectPage {
  items: ProjectView[];
  nextCursor: string | null;
}
