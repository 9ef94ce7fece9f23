import { Controller } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { MessagePattern } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import { Command } from './command.decorator';
import { CommandHandlersCheck } from './command-handlers.check';

class Input {
  @IsString()
  name!: string;
}

@Controller()
class DeclaredHandlers {
  @Command('things.create.v1', Input)
  create(): void {}
}

@Controller()
class BareHandlers {
  @MessagePattern('things.delete.v1')
  remove(): void {}
}

async function boot(controller: new () => object): Promise<void> {
  const app = await Test.createTestingModule({
    imports: [DiscoveryModule],
    controllers: [controller],
    providers: [CommandHandlersCheck],
  }).compile();
  try {
    await app.init();
  } finally {
    await app.close();
  }
}

describe(CommandHandlersCheck.name, () => {
  it('should let a worker start whose handlers all declare a payload class', async () => {
    await expect(boot(DeclaredHandlers)).resolves.toBeUndefined();
  });

  it('should refuse to start with a bare @MessagePattern handler, naming it', async () => {
    await expect(boot(BareHandlers)).rejects.toThrow(
      /Message handlers without a payload class: BareHandlers\.remove/,
    );
  });
});
