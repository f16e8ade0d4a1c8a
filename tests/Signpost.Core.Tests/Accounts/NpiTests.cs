using Signpost.Core.Accounts;

namespace Signpost.Core.Tests.Accounts;

public sealed class NpiTests
{
    [Theory]
    [InlineData("1234567893")] // the CMS example
    [InlineData("9876543213")]
    [InlineData("1000000004")]
    [InlineData("1999999992")]
    [InlineData("2749010015")]
    public void IsValid_CorrectCheckDigit_ReturnsTrue(string npi)
    {
        // Act
        var valid = Npi.IsValid(npi);

        // Assert
        Assert.True(valid);
    }

    [Theory]
    [InlineData("1234567890")]
    [InlineData("1234567894")]
    [InlineData("9876543210")]
    [InlineData("2749010016")]
    public void IsValid_WrongCheckDigit_ReturnsFalse(string npi)
    {
        // Act
        var valid = Npi.IsValid(npi);

        // Assert
        Assert.False(valid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("123456789")]
    [InlineData("12345678930")]
    [InlineData("01234567893")]
    public void IsValid_WrongLength_ReturnsFalse(string npi)
    {
        // Act
        var valid = Npi.IsValid(npi);

        // Assert
        Assert.False(valid);
    }

    [Theory]
    [InlineData("12345678a3")]
    [InlineData("123456789 ")]
    [InlineData(" 123456789")]
    [InlineData("12345-7893")]
    [InlineData("１２３４５６７８９３")] // full-width digits are digits to char.IsDigit, not to an NPI
    [InlineData("١٢٣٤٥٦٧٨٩٣")] // Arabic-Indic digits
    public void IsValid_NonAsciiDigits_ReturnsFalse(string npi)
    {
        // Act
        var valid = Npi.IsValid(npi);

        // Assert
        Assert.False(valid);
    }

    [Fact]
    public void IsValid_Null_ReturnsFalse()
    {
        // Act
        var valid = Npi.IsValid(null);

        // Assert
        Assert.False(valid);
    }

    [Theory]
    [InlineData("123456789", 3)]
    [InlineData("987654321", 3)]
    [InlineData("100000000", 4)]
    [InlineData("274901001", 5)]
    public void CheckDigit_NineDigits_ReturnsLuhnDigitOverPrefix80840(string firstNine, int expected)
    {
        // Act
        var digit = Npi.CheckDigit(firstNine);

        // Assert
        Assert.Equal(expected, digit);
    }

    [Theory]
    [InlineData("12345678")]
    [InlineData("1234567890")]
    public void CheckDigit_NotNineDigits_Throws(string digits)
    {
        // Act
        Action act = () => Npi.CheckDigit(digits);

        // Assert
        Assert.Throws<ArgumentException>(act);
    }
}
