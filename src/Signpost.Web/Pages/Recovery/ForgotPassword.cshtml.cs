using Microsoft.Extensions.Options;
using Signpost.Core.Recovery;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages.Recovery;

public sealed class ForgotPasswordModel(RecoveryService recovery, FormGuard guard, IOptionsMonitor<RecoveryOptions> recoveryOptions, IOptions<SignpostOptions> signpost)
    : RecoveryRequestModel(recovery, guard, recoveryOptions, signpost)
{
    public override RecoveryKind Kind => RecoveryKind.PasswordReset;
}
