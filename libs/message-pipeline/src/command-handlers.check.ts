import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { COMMAND_PAYLOAD } from './command.decorator';

/**
 * Refuses to start a worker with a message handler that does not declare its payload class (a
 * bare @MessagePattern): the pipeline could not validate its payload before the transaction. The
 * pipeline refuses such a message at run time too; this makes the mistake a boot failure instead.
 */
@Injectable()
export class CommandHandlersCheck implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    const undeclared = this.discovery.getControllers().flatMap(({ instance, name }) => {
      if (!instance) return [];
      const prototype = Object.getPrototypeOf(instance) as Record<string, () => unknown>;
      return this.scanner
        .getAllMethodNames(prototype)
        .filter((method) => this.reflector.get(PATTERN_METADATA, prototype[method]) !== undefined)
        .filter((method) => this.reflector.get(COMMAND_PAYLOAD, prototype[method]) === undefined)
        .map((method) => `${String(name)}.${method}`);
    });
    if (undeclared.length > 0) {
      throw new Error(
        `Message handlers without a payload class: ${undeclared.join(', ')}. Use @Command(pattern, PayloadClass) instead of @MessagePattern.`,
      );
    }
  }
}
