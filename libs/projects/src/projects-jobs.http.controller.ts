import { Body, Controller, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CommandClient } from '@app/command-client';
import type { JobAccepted } from '@app/jobs';
import { ProjectIdInput } from './projects.contract';
import { ImportBodyPipe } from './import-body.pipe';
import { ProjectJobPattern } from './projects-jobs.contract';

/** Gateway side: the project operations that run as jobs. Each answers 202 with the job's address. */
@Controller('projects')
export class ProjectsJobsHttpController {
  constructor(private readonly commands: CommandClient) {}

  /**
   * Takes a larger body than other routes: IMPORT_BODY_LIMIT_BYTES (see create-gateway.ts). Typed
   * `unknown` so the global ValidationPipe leaves it to ImportBodyPipe, which yields as it goes.
   */
  @Post('import')
  @HttpCode(HttpStatus.ACCEPTED)
  async import(
    @Body(ImportBodyPipe) input: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JobAccepted> {
    return located(reply, await this.commands.send(ProjectJobPattern.Import, input as object));
  }

  @Post(':id/archive')
  @HttpCode(HttpStatus.ACCEPTED)
  async archive(@Param() { id }: ProjectIdInput, @Res({ passthrough: true }) reply: FastifyReply) {
    return located(
      reply,
      await this.commands.send<JobAccepted>(ProjectJobPattern.Archive, { id, archived: true }),
    );
  }

  @Post(':id/unarchive')
  @HttpCode(HttpStatus.ACCEPTED)
  async unarchive(@Param() { id }: ProjectIdInput, @Res({ passthrough: true }) reply: FastifyReply) {
    return located(
      reply,
      await this.commands.send<JobAccepted>(ProjectJobPattern.Archive, { id, archived: false }),
    );
  }
}

function located(reply: FastifyReply, accepted: JobAccepted): JobAccepted {
  void reply.header('location', `/jobs/${accepted.jobId}`);
  return accepted;
}
