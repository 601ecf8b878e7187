namespace Reminders.Core.Templates;

public enum SmsEncoding
{
    /// <summary>GSM 03.38 default alphabet: 160 characters in one segment, 153 per segment when split.</summary>
    Gsm7,
    /// <summary>Anything else (Chinese): 70 UTF-16 units in one segment, 67 per segment when split.</summary>
    Ucs2,
}

/// <param name="Units">Septets for GSM-7 (extension characters count two), UTF-16 code units for UCS-2.</param>
public sealed record SmsMeasure(SmsEncoding Encoding, int Units, int Segments);

/// <summary>How many segments an SMS text takes, as a carrier counts them.</summary>
public static class SmsLength
{
    private const string Gsm7Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string Gsm7Extension = "\f^{}\\[~]|€";

    public static SmsMeasure Measure(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var septets = 0;
        foreach (var c in text)
        {
            if (Gsm7Basic.Contains(c, StringComparison.Ordinal)) septets += 1;
            else if (Gsm7Extension.Contains(c, StringComparison.Ordinal)) septets += 2;
            else return Segmented(SmsEncoding.Ucs2, text.Length, single: 70, multi: 67);
        }
        return Segmented(SmsEncoding.Gsm7, septets, single: 160, multi: 153);
    }

    private static SmsMeasure Segmented(SmsEncoding encoding, int units, int single, int multi) =>
        new(encoding, units, units <= single ? 1 : (units + multi - 1) / multi);
}
