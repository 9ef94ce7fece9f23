import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { inputShapeProblems } from './input-shape';

/**
 * Refuses a body or query nested too deeply or holding a reserved key, with 400 and the same
 * message shape as the ValidationPipe. Register it before that pipe and any route's own: they
 * recurse, and Nest's strips `constructor`, `prototype` and `__proto__` in place, without a word.
 */
@Injectable()
export class InputShapePipe implements PipeTransform {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'body' && metadata.type !== 'query') return value;
    const problems = await inputShapeProblems(value, metadata.type);
    if (problems.length > 0) throw new BadRequestException(problems);
    return value;
  }
}
