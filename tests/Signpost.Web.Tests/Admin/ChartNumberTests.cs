using System.Globalization;
using Signpost.Web.Admin;

namespace Signpost.Web.Tests.Admin;

/// <summary>
/// The charts' SVG numbers (<see cref="OutcomeChart.N"/>): to a tenth, with a dot, whatever the culture, and the same
/// text the general formatter's "0.#" gave wherever a value is not within a rounding error of halfway between tenths.
/// </summary>
public sealed class ChartNumberTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(12.0, "12")]
    [InlineData(12.5, "12.5")]
    [InlineData(12.04, "12")]
    [InlineData(12.06, "12.1")]
    [InlineData(12.25, "12.3")]
    [InlineData(19.96, "20")]
    [InlineData(-3.2, "-3.2")]
    [InlineData(-0.04, "0")]
    [InlineData(-0.06, "-0.1")]
    [InlineData(-12.0, "-12")]
    [InlineData(720.0, "720")]
    [InlineData(123456.78, "123456.8")]
    public void Writes_tenths_with_a_dot(double value, string expected) => Assert.Equal(expected, OutcomeChart.N(value));

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(1e300)]
    [InlineData(-1e300)]
    public void Writes_what_no_chart_draws_as_the_general_formatter_did(double value) =>
        Assert.Equal(value.ToString("0.#", CultureInfo.InvariantCulture), OutcomeChart.N(value));

    [Fact]
    public void Is_the_same_whatever_the_culture()
    {
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            Assert.Equal("1234.5", OutcomeChart.N(1234.5));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public void Matches_the_custom_format_away_from_halfway()
    {
        var random = new Random(7);
        var compared = 0;
        for (var i = 0; i < 200_000; i++)
        {
            // The charts' range of coordinates and values, both signs.
            var value = (random.NextDouble() - 0.1) * 1_000;
            var tenths = value * 10;
            if (Math.Abs(tenths - Math.Truncate(tenths) - Math.CopySign(0.5, tenths)) < 1e-6)
            {
                continue;
            }

            var old = value.ToString("0.#", CultureInfo.InvariantCulture);
            Assert.Equal(old == "-0" ? "0" : old, OutcomeChart.N(value));
            compared++;
        }

        Assert.True(compared > 199_000);
    }
}
