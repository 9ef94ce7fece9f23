import { ApiProperty } from '@nestjs/swagger';

/** Every error the gateway answers, in Nest's shape: the domain error filter's and the framework's. */
export class ErrorBody {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  // A validation failure lists every problem; any other error has one sentence.
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: ['name must be between 1 and 200 characters long'],
  })
  message!: string | string[];

  @ApiProperty({ example: 'Not Found' })
  error!: string;
}
