using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Browsers;
using Signpost.Core.Escalation;
using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Maintenance;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Core.Tests.Fakes;
using Signpost.Core.Troubleshooting;
using Signpost.Core.Troubleshooting.Checks;

namespace Signpost.Core.Tests.Troubleshooting;

/// <summary>
/// A failure story's stage: practices, people, windows and locks as facts, then attempts played one
/// minute apart on a fake clock, exactly as the sign-in pipeline would record them.
/// </summary>
public sealed class Scene
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Time { get; } = new(Start);
    public InMemoryTroubleshootingFacts Facts { get; } = new();
    public Organization Practice { get; }

    /// <summary>The escalation settings both the troubleshooter and the engine read.</summary>
    public EscalationOptions Escalation { get; } = new();
    public Account Person { get; }

    /// <summary>The trace of the last attempt played.</summary>
    public string LastTrace { get; private set; } = "";

    public Scene()
    {
        Practice = AddPractice("Harbor Family Practice");
        Person = AddPerson("dr.ivy", Practice, npi: "1234567893");
    }

    public Organization AddPractice(string name)
    {
        var organization = new Organization
        {
            Slug = name.ToLowerInvariant().Replace(' ', '-'),
            Name = name,
            Address = "1 Harbor Way, Portland, ME",
            TimeZone = "America/New_York",
            CreatedAt = Start.AddYears(-1),
        };
        Facts.Organizations.Add(organization);
        return organization;
    }

    public Account AddPerson(string username, Organization practice, string? npi = null)
    {
        var account = new Account
        {
            Username = username,
            Email = $"{username}@example.org",
            DisplayName = username,
            Npi = npi,
            Status = AccountStatus.Active,
            CreatedAt = Start.AddMonths(-6),
            PasswordChangedAt = Start.AddDays(-10),
        };
        account.Memberships.Add(new Membership { AccountId = account.Id, OrganizationId = practice.Id, Organization = practice, Roles = PracticeRoles.Staff });
        Facts.Accounts.Add(account);
        return account;
    }

    /// <summary>Plays one attempt a minute after the previous one and records it as its event.</summary>
    public SignInEvent Attempt(string reasonCode, Action<SignInEvent>? shape = null, Account? by = null, SignInMethod method = SignInMethod.Password, string userAgent = TestBrowsers.Chrome155Windows)
    {
        Time.Advance(TimeSpan.FromMinutes(1));
        var reason = ReasonCatalogue.Get(reasonCode);
        var account = by ?? Person;
        var browser = UserAgentParser.Parse(userAgent);
        var signInEvent = new SignInEvent
        {
            Id = Facts.Events.Count + 1,
            TraceId = ActivityTraceId.CreateRandom().ToHexString(),
            OccurredAt = Time.GetUtcNow(),
            Identifier = account.Username,
            IdentifierKind = "username",
            AccountId = account.Id,
            OrganizationId = account.Memberships.FirstOrDefault()?.OrganizationId,
            Method = method,
            Succeeded = reason.IsSuccess,
            ReasonCode = reason.Code,
            ShownReasonCode = reason.PublicCode,
            ClientIp = "203.0.113.10",
            NetworkLabel = "LAN",
            UserAgent = userAgent,
            Browser = browser.Family,
            BrowserVersion = browser.Version,
            OperatingSystem = browser.OperatingSystem,
            BrowserSupported = Facts.BrowserMatrix.IsSupported(browser),
            CookiesWorking = true,
            JavaScriptWorking = true,
        };
        shape?.Invoke(signInEvent);
        Facts.Events.Add(signInEvent);
        LastTrace = signInEvent.TraceId;
        return signInEvent;
    }

    /// <summary>Plays <paramref name="count"/> attempts with the same reason.</summary>
    public void Attempts(int count, string reasonCode, Action<SignInEvent>? shape = null, Account? by = null, SignInMethod method = SignInMethod.Password)
    {
        for (var i = 0; i < count; i++)
        {
            Attempt(reasonCode, shape, by, method);
        }
    }

    /// <summary>An attempt with an identifier that names no account.</summary>
    public SignInEvent Stranger(string typed, string kind, string reasonCode = ReasonCodes.InvalidCredentials) => Attempt(reasonCode, e =>
    {
        e.Identifier = typed;
        e.IdentifierKind = kind;
        e.AccountId = null;
        e.OrganizationId = null;
    });

    public void Lock(DateTimeOffset until, int failures = 10, string deviceKey = LockoutCounter.UntrustedKey) => Facts.Counters.Add(new LockoutCounter
    {
        AccountId = Person.Id,
        DeviceKey = deviceKey,
        FailureCount = failures,
        WindowStartedAt = Time.GetUtcNow().AddMinutes(-failures),
        LastFailureAt = Time.GetUtcNow(),
        LockedUntil = until,
    });

    public MaintenanceWindow Window(DateTimeOffset starts, DateTimeOffset ends, MaintenanceScope scope = MaintenanceScope.Portal, Guid? organizationId = null)
    {
        var window = new MaintenanceWindow { StartsAt = starts, EndsAt = ends, Scope = scope, OrganizationId = organizationId, Message = "Claims database upgrade.", EnteredTimeZone = "UTC" };
        Facts.Windows.Add(window);
        return window;
    }

    public void AdminChange(string action, string targetType = "account", string? targetId = null) => Facts.Audit.Add(new AuditEntry
    {
        Sequence = Facts.Audit.Count + 1,
        At = Time.GetUtcNow(),
        Actor = "account:00000000-0000-0000-0000-000000000001 (pat.admin)",
        Action = action,
        TargetType = targetType,
        TargetId = targetId ?? Person.Id.ToString(),
        PreviousHash = "",
        Hash = "",
    });

    public void Advance(TimeSpan by) => Time.Advance(by);

    public Troubleshooter Troubleshooter() => new(Facts, BuiltInChecks.Create(), new FixedOptionsMonitor<EscalationOptions>(Escalation), Time);

    public async Task<Diagnosis> DiagnoseTraceAsync(string? traceId = null, DiagnosisAudience audience = DiagnosisAudience.Support)
    {
        var result = await Troubleshooter().DiagnoseTraceAsync(traceId ?? LastTrace, audience, CancellationToken.None);
        Assert.Equal(DiagnosisStatus.Diagnosed, result.Status);
        return result.Diagnosis!;
    }

    public async Task<Diagnosis> DiagnoseAccountAsync(Account? account = null)
    {
        var result = await Troubleshooter().DiagnoseAccountAsync((account ?? Person).Id, null, null, DiagnosisAudience.Support, CancellationToken.None);
        Assert.Equal(DiagnosisStatus.Diagnosed, result.Status);
        return result.Diagnosis!;
    }
}
