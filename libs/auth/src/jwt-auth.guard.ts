import { ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { TokenExpiredError } from 'jsonwebtoken';
import { ClsService } from 'nestjs-cls';
import { TenantContextService } from '@app/tenancy';
import { AccessTokenClaims } from './access-token';
import { IS_PUBLIC } from './public.decorator';

const INVALID_TOKEN = 'missing or invalid bearer token';

/**
 * Global guard: authenticates the request and puts the token's tenant into the request's CLS
 * context, where the messaging client reads it. The tenant comes from the token and nowhere else.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly cls: ClsService,
    private readonly tenantContext: TenantContextService,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    await super.canActivate(context);
    const user = context.switchToHttp().getRequest<{ user?: AccessTokenClaims }>().user;
    if (!user) throw new UnauthorizedException(INVALID_TOKEN);
    this.tenantContext.set({ tenantId: user.tenantId, userId: user.sub, correlationId: this.cls.getId() });
    return true;
  }

  /**
   * Every refusal is a 401 with a fixed message: the verifier's own (`jwt issuer invalid. expected:
   * …`, a JWKS host's network error) would tell a stranger how the gateway is configured.
   */
  override handleRequest<T>(err: unknown, user: T | false, info: unknown): T {
    // Thrown by JwtStrategy.validate, with a fixed message naming the claim.
    if (err instanceof UnauthorizedException) throw err;
    if (err || !user) {
      throw new UnauthorizedException(info instanceof TokenExpiredError ? 'token expired' : INVALID_TOKEN);
    }
    return user;
  }
}
