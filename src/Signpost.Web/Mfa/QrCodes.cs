using QRCoder;

namespace Signpost.Web.Mfa;

/// <summary>
/// The enrolment QR code, rendered on the server by QRCoder as a PNG <c>data:</c> URI: the page needs no script
/// and no inline style, so it stays inside the Content-Security-Policy (<c>img-src 'self' data:</c>).
/// </summary>
public static class QrCodes
{
    public static string PngDataUri(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(5);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
