// The scene of the projects property tests: tenant A owns a few projects whose ids, names and
// descriptions are secrets, and tenant B attacks. Every response must be below 500 and carry none
// of A's secrets; A's rows must be unchanged at the end.
import { randomBytes } from 'node:crypto';
import type { ProjectView } from '@app/projects';
import { projectsOf, StoredProject } from './database';
import type { RawResponse } from './hostile-input';
import type { Stack } from './stack';
import { TenantSession } from './tenant-session';

export const JSON_TYPE = { 'content-type': 'application/json' };

export class HostileScene {
  a!: TenantSession;
  b!: TenantSession;
  projectsOfA: ProjectView[] = [];
  private storedOfA: StoredProject[] = [];
  private secrets: string[] = [];

  async arrange(baseUrl: string): Promise<void> {
    [this.a, this.b] = await Promise.all([TenantSession.create(baseUrl), TenantSession.create(baseUrl)]);
    for (let i = 0; i < 3; i++) {
      const created = await this.a.request<ProjectView>('POST', '/projects', {
        name: `secret-of-a-${i}-${randomBytes(6).toString('hex')}`,
        description: `hidden-description-${randomBytes(6).toString('hex')}`,
      });
      expect(created.status).toBe(201);
      this.projectsOfA.push(created.body);
    }
    this.storedOfA = await projectsOf(this.a.tenantId);
    // Compared lower-cased: an id upper-cased in a reply is still a leak.
    this.secrets = [
      this.a.tenantId,
      ...this.projectsOfA.flatMap((p) => [p.id, p.name, p.description ?? '']),
    ].map((s) => s.toLowerCase());
  }

  /** B's headers: its token, plus any given. */
  asB(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.b.token}`, ...extra };
  }

  /** The checks every response must pass, whatever was sent. */
  expectSafe(response: RawResponse): void {
    expect(response.status).toBeLessThan(500);
    const text = response.text.toLowerCase();
    expect(this.secrets.filter((secret) => text.includes(secret))).toEqual([]);
  }

  async expectAUnchanged(): Promise<void> {
    expect(await projectsOf(this.a.tenantId)).toEqual(this.storedOfA);
    const listed = await this.a.request<{ items: ProjectView[] }>('GET', '/projects?limit=100');
    expect(listed.body.items.map((p) => p.id).sort()).toEqual(this.projectsOfA.map((p) => p.id).sort());
  }
}

export function expectClientError(response: RawResponse): void {
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
}

/** A scene arranged in beforeAll, after the stack has started. */
export function useHostileScene(stack: Stack): HostileScene {
  const scene = new HostileScene();
  beforeAll(() => scene.arrange(stack.baseUrl));
  return scene;
}
