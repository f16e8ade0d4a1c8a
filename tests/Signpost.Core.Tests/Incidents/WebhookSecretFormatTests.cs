using System.ComponentModel.DataAnnotations;
using System.Text;
using Signpost.Core.Incidents.Webhooks;

namespace Signpost.Core.Tests.Incidents;

/// <summary>The Standard Webhooks secret form, and what Signpost:Webhook:Secret accepts.</summary>
public sealed class WebhookSecretFormatTests
{
    [Fact]
    public void Generate_IsWhsecOfThirtyTwoRandomBytes()
    {
        var first = WebhookSecretFormat.Generate();
        var second = WebhookSecretFormat.Generate();

        Assert.StartsWith("whsec_", first, StringComparison.Ordinal);
        Assert.Equal(32, WebhookSecretFormat.Key(first)!.Length);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Key_PlainSecret_IsItsUtf8Bytes_AndItsStandardFormTheSameKey()
    {
        const string Plain = "test-webhook-secret-of-at-least-32-characters";

        var key = WebhookSecretFormat.Key(Plain);
        var standard = WebhookSecretFormat.StandardForm(Plain);

        Assert.Equal(Encoding.UTF8.GetBytes(Plain), key);
        Assert.StartsWith("whsec_", standard, StringComparison.Ordinal);
        Assert.Equal(key, WebhookSecretFormat.Key(standard));
    }

    [Theory]
    [InlineData("whsec_not base64 at all, though long enough", false)]
    [InlineData("whsec_c2hvcnQ=", false)] // 5 bytes: below the 24 the format asks for
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw5Dt7dEmqYsI=", true)]
    [InlineData("a plain secret of thirty-two chars", true)]
    public void Options_SecretForm_IsValidatedAtStart(string secret, bool valid)
    {
        var options = new WebhookOptions { Url = "https://tickets.example/hook", Secret = secret };

        var problems = new List<ValidationResult>();
        var ok = Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true);

        Assert.Equal(valid, ok);
        Assert.Equal(valid, problems.Count == 0);
    }
}
