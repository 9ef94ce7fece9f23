import { Body, Controller, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiResource, ApiRoute } from '@app/api-docs';
import { CommandClient } from '@app/command-client';
import { JobAccepted } from '@app/jobs';
import { ProjectIdInput } from './projects.contract';
import { ImportBodyPipe } from './import-body.pipe';
import { ImportProjectsInput, ProjectJobPattern } from './projects-jobs.contract';

const ACCEPTED = {
  type: JobAccepted,
  description: 'The job is queued; follow it at its Location',
  headers: { Location: { description: '`/jobs/<jobId>`', schema: { type: 'string' } } },
};

/** Gateway side: the project operations that run as jobs. Each answers 202 with the job's address. */
@ApiResource('projects')
@Controller('projects')
export class ProjectsJobsHttpController {
  constructor(private readonly commands: CommandClient) {}

  /**
   * Takes a larger body than other routes: IMPORT_BODY_LIMIT_BYTES (see create-gateway.ts). Typed
   * `unknown` so the global ValidationPipe leaves it to ImportBodyPipe, which yields as it goes.
   */
  @Post('import')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiRoute({
    summary: 'Import projects and their tasks as a job',
    write: true,
    body: true,
  })
  @ApiBody({
    type: ImportProjectsInput,
    description:
      'Up to IMPORT_BODY_LIMIT_BYTES; a 400 names each bad item (`items.3.name …`), and nothing is queued',
  })
  @ApiAcceptedResponse(ACCEPTED)
  async import(
    @Body(ImportBodyPipe) input: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JobAccepted> {
    return located(reply, await this.commands.startJob(ProjectJobPattern.Import, input as object));
  }

  @Post(':id/archive')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiRoute({
    summary: 'Archive a project (read-only, its tasks done) as a job',
    write: true,
    notFound: 'Project',
  })
  @ApiAcceptedResponse(ACCEPTED)
  async archive(@Param() { id }: ProjectIdInput, @Res({ passthrough: true }) reply: FastifyReply) {
    return located(
      reply,
      await this.commands.startJob<JobAccepted>(ProjectJobPattern.Archive, { id, archived: true }),
    );
  }

  @Post(':id/unarchive')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiRoute({ summary: 'Unarchive a project as a job', write: true, notFound: 'Project' })
  @ApiAcceptedResponse(ACCEPTED)
  async unarchive(@Param() { id }: ProjectIdInput, @Res({ passthrough: true }) reply: FastifyReply) {
    return located(
      reply,
      await this.commands.startJob<JobAccepted>(ProjectJobPattern.Archive, { id, archived: false }),
    );
  }
}

function located(reply: FastifyReply, accepted: JobAccepted): JobAccepted {
  void reply.header('location', `/jobs/${accepted.jobId}`);
  return accepted;
}
