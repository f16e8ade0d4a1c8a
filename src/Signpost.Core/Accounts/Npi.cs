namespace Signpost.Core.Accounts;

/// <summary>
/// National Provider Identifier rules (CMS): ten digits whose last digit is a Luhn check digit
/// computed over the prefix 80840 followed by the first nine digits.
/// </summary>
public static class Npi
{
    /// <summary>True when <paramref name="value"/> is ten ASCII digits with a correct check digit.</summary>
    public static bool IsValid(string? value)
    {
        if (value is null || value.Length != 10 || !value.All(char.IsAsciiDigit))
        {
            return false;
        }

        return CheckDigit(value.AsSpan(0, 9)) == value[9] - '0';
    }

    /// <summary>The Luhn check digit for nine NPI digits, with the 80840 card-issuer prefix.</summary>
    public static int CheckDigit(ReadOnlySpan<char> firstNine)
    {
        if (firstNine.Length != 9)
        {
            throw new ArgumentException("An NPI check digit is computed over exactly nine digits.", nameof(firstNine));
        }

        Span<char> full = stackalloc char[14];
        "80840".AsSpan().CopyTo(full);
        firstNine.CopyTo(full[5..]);

        // Luhn: from the rightmost digit of the payload, double every other digit (the check digit
        // would sit to the right, so the rightmost payload digit is doubled).
        var sum = 0;
        for (var i = 0; i < full.Length; i++)
        {
            var digit = full[full.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
        }

        return (10 - (sum % 10)) % 10;
    }
}
