using Signpost.Core.OpenIdProvider;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>The OpenID Connect provider's keys: one current key per use, rotations retire it, old retired keys are forgotten.</summary>
public sealed class ProviderKeyStoreContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    private static ProviderKey Key(string id, ProviderKeyUse use, DateTimeOffset at) =>
        new() { Id = id, Use = use, ProtectedKey = [1, 2, 3], CreatedAt = at };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AddCurrentAsync_FirstKeyOnlyIfNone_AddsOnceAndKeepsEveryField(string provider)
    {
        var host = await StartAsync(provider);

        var first = await host.WithAsync<IProviderKeyStore, bool>(store => store.AddCurrentAsync(Key("sig-1", ProviderKeyUse.Signing, Now), Now, DateTimeOffset.MinValue, onlyIfNone: true, CancellationToken.None));
        var second = await host.WithAsync<IProviderKeyStore, bool>(store => store.AddCurrentAsync(Key("sig-2", ProviderKeyUse.Signing, Now), Now, DateTimeOffset.MinValue, onlyIfNone: true, CancellationToken.None));
        var otherUse = await host.WithAsync<IProviderKeyStore, bool>(store => store.AddCurrentAsync(Key("enc-1", ProviderKeyUse.Encryption, Now), Now, DateTimeOffset.MinValue, onlyIfNone: true, CancellationToken.None));
        var listed = await host.WithAsync<IProviderKeyStore, IReadOnlyList<ProviderKey>>(store => store.ListAsync(CancellationToken.None));

        Assert.Equal((true, false, true), (first, second, otherUse));
        Assert.Equal(["enc-1", "sig-1"], listed.Select(k => k.Id).Order(StringComparer.Ordinal));
        var signing = listed.Single(k => k.Id == "sig-1");
        Assert.Equal((ProviderKeyUse.Signing, Now, (DateTimeOffset?)null), (signing.Use, signing.CreatedAt, signing.RetiredAt));
        Assert.Equal([1, 2, 3], signing.ProtectedKey);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AddCurrentAsync_Rotation_RetiresTheCurrentForgetsOldRetiredAndLeavesTheOtherUse(string provider)
    {
        var host = await StartAsync(provider);
        await host.WithAsync<IProviderKeyStore, bool>(store => store.AddCurrentAsync(Key("sig-1", ProviderKeyUse.Signing, Now), Now, DateTimeOffset.MinValue, false, CancellationToken.None));
        await host.WithAsync<IProviderKeyStore, bool>(store => store.AddCurrentAsync(Key("enc-1", ProviderKeyUse.Encryption, Now), Now, DateTimeOffset.MinValue, false, CancellationToken.None));
        await host.WithAsync<IProviderKeyStore, bool>(store => store.AddCurrentAsync(Key("sig-2", ProviderKeyUse.Signing, Now.AddDays(10)), Now.AddDays(10), Now, false, CancellationToken.None));

        // Forty days on, keys retired more than thirty days before go.
        await host.WithAsync<IProviderKeyStore, bool>(store => store.AddCurrentAsync(Key("sig-3", ProviderKeyUse.Signing, Now.AddDays(50)), Now.AddDays(50), Now.AddDays(20), false, CancellationToken.None));
        var listed = await host.WithAsync<IProviderKeyStore, IReadOnlyList<ProviderKey>>(store => store.ListAsync(CancellationToken.None));

        Assert.Equal(["sig-3", "sig-2", "enc-1"], listed.Select(k => k.Id));
        Assert.Equal((DateTimeOffset?)null, listed.Single(k => k.Id == "sig-3").RetiredAt);
        Assert.Equal(Now.AddDays(50), listed.Single(k => k.Id == "sig-2").RetiredAt);
        Assert.Null(listed.Single(k => k.Id == "enc-1").RetiredAt);
    }
}
