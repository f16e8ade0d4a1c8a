using Signpost.Core.Accounts;
using Signpost.Core.Browsers;
using Signpost.Core.Devices;
using Signpost.Core.Lockout;
using Signpost.Core.Maintenance;
using Signpost.Core.Passwords;

namespace Signpost.Core.SignIn;

public sealed partial class PasswordSignIn
{
    /// <summary>What one attempt has learnt so far; each phase fills in what it found out.</summary>
    internal sealed class Attempt(PasswordSignInRequest request, DateTimeOffset at) : IDisposable, IAsyncDisposable
    {
        public PasswordSignInRequest Request { get; } = request;

        public DateTimeOffset At { get; } = at;

        /// <summary>
        /// What the sign-in gate has learnt about this attempt: the named practice, the maintenance windows in
        /// force, the network label, the practices admitted.
        /// </summary>
        public GateEntry Entry { get; } = new(request.Method, request.Client.Ip, UserAgentParser.Parse(request.Client.UserAgent));

        /// <summary>The identifier as typed, trimmed (<see cref="ReadInput"/>).</summary>
        public string Identifier { get; set; } = "";

        /// <summary>What the identifier is (<see cref="ReadInput"/>).</summary>
        public Accounts.IdentifierKind Kind { get; set; }

        /// <summary>The identifier's kind as the event records it: username, email, npi, or "ticket" on the change page.</summary>
        public string? IdentifierKind { get; set; }

        /// <summary>The account the attempt is about; after a refusal before the lookup, the one named, for the event only.</summary>
        public Account? Account { get; set; }

        /// <summary>The account's trusted device this browser holds, if its cookie is valid.</summary>
        public TrustedDevice? Device { get; set; }

        /// <summary>Whether the browser sent the account's trusted-device cookie at all.</summary>
        public bool DevicePresented { get; set; }

        /// <summary>The last password comparison (right, wrong, right but stored at an older cost).</summary>
        public PasswordCheck Check { get; set; }

        /// <summary>
        /// The lock's counter for <see cref="DeviceKey"/> had failures or a lock on record when the right password's
        /// check was given back (<see cref="ILockoutStore.ReleaseRightCheckAsync"/>): a completed sign-in then clears
        /// it; without any there is nothing to clear, and no statement is spent on it.
        /// </summary>
        public bool CounterFound { get; set; }

        /// <summary>The password is right and no lock held; what only its owner may know can now be told.</summary>
        public bool PasswordProven { get; set; }

        /// <summary>A maintenance window in force for one of the account's practices: wrong passwords are not counted.</summary>
        public MaintenanceWindow? AccountWindow { get; set; }

        /// <summary>The trusted device issued by this attempt's success, when the browser had none.</summary>
        public TrustedDevice? IssuedDevice { get; set; }

        /// <summary>What the second-factor phase decided, for the success's event.</summary>
        public string? SecondFactorNote { get; set; }

        /// <summary>Signed in within grace without a required second factor: the grace's end.</summary>
        public DateTimeOffset? EnrolSecondFactorBy { get; set; }

        /// <summary>The <see cref="HashAdmission"/> slot this attempt hashes in, from admission until its hash is done.</summary>
        public HashAdmission.HashSlot? HashSlot { get; set; }

        /// <summary>
        /// Runs a hash in this attempt's slot: an untrusted attempt's on the gate's lower-priority threads, a trusted one's
        /// here (<see cref="HashAdmission.HashSlot.RunAsync"/>); without a gate, here.
        /// </summary>
        public ValueTask<T> HashAsync<T>(Func<T> hash) => HashSlot is { } slot ? slot.RunAsync(hash) : ValueTask.FromResult(hash());

        /// <summary>The hash is done: the slot goes to the next waiter (a no-op without one).</summary>
        public void HashDone()
        {
            HashSlot?.Dispose();
            HashSlot = null;
        }

        /// <summary>
        /// A wrong password's counted failure, not yet committed: its event commits with it (<see cref="Events.SignInEventRecorder"/>),
        /// one write transaction for both (docs/capacity.md, "Sign-ins per core").
        /// </summary>
        public Events.IWriteTransaction? PendingWrite { get; set; }

        /// <summary>Whatever ends the attempt (a refusal, an exception) frees a slot still held.</summary>
        public void Dispose() => HashDone();

        /// <summary>
        /// As <see cref="Dispose"/>, and a failure never committed with its event rolls back: an attempt whose event
        /// failed (or that was cancelled before it) got no answer, and its check's place lapses
        /// (<see cref="LockoutCounter.ReservationLifetime"/>).
        /// </summary>
        public async ValueTask DisposeAsync()
        {
            HashDone();
            if (PendingWrite is { } pending)
            {
                PendingWrite = null;
                await pending.DisposeAsync();
            }
        }

        /// <summary>The lock's key: the trusted device, or the key every other browser shares.</summary>
        public string DeviceKey => Device?.DeviceId ?? LockoutCounter.UntrustedKey;

        /// <summary>The account's memberships whose practice is loaded.</summary>
        public List<Membership> Memberships => Account?.Memberships.Where(m => m.Organization is not null).ToList() ?? [];
    }
}
