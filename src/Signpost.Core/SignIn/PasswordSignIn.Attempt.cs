using Signpost.Core.Accounts;
using Signpost.Core.Browsers;
using Signpost.Core.Devices;
using Signpost.Core.Maintenance;
using Signpost.Core.Organizations;
using Signpost.Core.Passwords;

namespace Signpost.Core.SignIn;

public sealed partial class PasswordSignIn
{
    /// <summary>What one attempt has learnt so far.</summary>
    internal sealed class Attempt(PasswordSignInRequest request, DateTimeOffset at)
    {
        public PasswordSignInRequest Request { get; } = request;
        public DateTimeOffset At { get; } = at;
        public BrowserInfo Browser { get; } = UserAgentParser.Parse(request.Client.UserAgent);
        public string? IdentifierKind { get; set; }
        public Organization? Organization { get; set; }
        public Account? Account { get; set; }
        public TrustedDevice? Device { get; set; }
        public bool DevicePresented { get; set; }
        public bool PasswordProven { get; set; }
        public PasswordCheck Check { get; set; }
        public bool PasswordChange { get; set; }
        public DateTimeOffset? LockedUntil { get; set; }
        public string? NetworkLabel { get; set; }
        public List<Organization> Allowed { get; set; } = [];
        /// <summary>What the sign-in gate has learnt about this attempt.</summary>
        public GateEntry Entry { get; } = new(request.Method, request.Client.Ip, UserAgentParser.Parse(request.Client.UserAgent));
        public MaintenanceWindow? Maintenance { get; set; }
    }
}
