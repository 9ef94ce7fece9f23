import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Every error the gateway answers, in Nest's shape: the domain error filter's and the framework's. */
export class ErrorBody {
  @ApiProperty({ type: 'integer' })
  statusCode!: number;

  // A validation failure lists every problem; any other error has one sentence.
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] })
  message!: string | string[];

  // Fastify's own refusals, such as a body over the limit, come without it.
  @ApiPropertyOptional({ description: "The status's reason phrase" })
  error?: string;
}
