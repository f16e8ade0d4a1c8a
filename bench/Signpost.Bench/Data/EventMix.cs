using Signpost.Core.Reasons;

namespace Signpost.Bench.Data;

/// <summary>
/// The mix of outcomes in generated history. Half the attempts succeed. Of the failures, about 60% are
/// credentials (mostly a wrong password or an unknown identifier, then expired passwords and reset links),
/// about 30% network and device (stale forms, cookies off, old browsers, VPN egress outside the allow-list,
/// rate limits), and the rest SSO (5%), maintenance (3%) and MFA (2%) — the mix issue 9 asks for.
/// Every code is checked against the reason catalogue, so a renamed code fails generation loudly.
/// </summary>
internal static class EventMix
{
    public const double SuccessShare = 0.5;

    public static readonly (ReasonCategory Category, double Share, (string Code, double Weight)[] Codes)[] Failures =
    [
        (ReasonCategory.Credentials, 0.60,
        [
            (ReasonCodes.InvalidCredentials, 80), (ReasonCodes.PasswordExpired, 6), (ReasonCodes.PasswordResetRequired, 4),
            (ReasonCodes.ResetLinkExpired, 4), (ReasonCodes.ResetLinkInvalid, 3), (ReasonCodes.ResetLinkUsed, 3),
        ]),
        (ReasonCategory.NetworkAndDevice, 0.30,
        [
            (ReasonCodes.StaleForm, 30), (ReasonCodes.CookiesDisabled, 20), (ReasonCodes.BrowserUnsupported, 20),
            (ReasonCodes.NetworkNotAllowed, 20), (ReasonCodes.RateLimited, 10),
        ]),
        (ReasonCategory.Sso, 0.05,
        [
            (ReasonCodes.SsoProviderUnreachable, 20), (ReasonCodes.SsoProviderMisconfigured, 15), (ReasonCodes.SsoSignatureInvalid, 15),
            (ReasonCodes.SsoTokenInvalid, 20), (ReasonCodes.SsoUserNotLinked, 10), (ReasonCodes.SsoRequired, 10), (ReasonCodes.SsoCancelled, 10),
        ]),
        (ReasonCategory.Maintenance, 0.03, [(ReasonCodes.MaintenanceWindow, 80), (ReasonCodes.ServiceDegraded, 20)]),
        (ReasonCategory.Mfa, 0.02, [(ReasonCodes.MfaCodeInvalid, 60), (ReasonCodes.MfaClockSkew, 20), (ReasonCodes.MfaNotEnrolled, 10), (ReasonCodes.MfaLocked, 10)]),
    ];

    public static readonly (string Code, double Weight)[] Successes = [(ReasonCodes.SignedIn, 96), (ReasonCodes.SignedInBrowserWarning, 4)];

    /// <summary>One outcome per call, with the catalogue's entry for it.</summary>
    public sealed class Sampler
    {
        private readonly Reason[] _reasons;
        private readonly double[] _cumulative;

        public Sampler()
        {
            var entries = new List<(string Code, double Weight)>();
            entries.AddRange(Successes.Select(s => (s.Code, SuccessShare * s.Weight / Successes.Sum(x => x.Weight))));
            foreach (var (category, share, codes) in Failures)
            {
                var total = codes.Sum(c => c.Weight);
                foreach (var (code, weight) in codes)
                {
                    if (!ReasonCatalogue.TryGet(code, out var reason) || reason.Category != category)
                    {
                        throw new BenchException($"Reason code {code} is not in the catalogue under {category}: update bench/Signpost.Bench/Data/EventMix.cs.");
                    }

                    entries.Add((code, (1 - SuccessShare) * share * weight / total));
                }
            }

            _reasons = entries.Select(e => ReasonCatalogue.Get(e.Code)).ToArray();
            var sum = 0.0;
            _cumulative = entries.Select(e => sum += e.Weight).ToArray();
        }

        public Reason Next(Random random)
        {
            var x = random.NextDouble() * _cumulative[^1];
            var index = Array.BinarySearch(_cumulative, x);
            return _reasons[index < 0 ? Math.Min(~index, _reasons.Length - 1) : index];
        }
    }
}
