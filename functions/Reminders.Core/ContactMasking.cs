namespace Reminders.Core;

/// <summary>Buyers' contact details as they may be shown: never whole.</summary>
public static class ContactMasking
{
    /// <summary>+8613800138000 -> +86138****8000; keeps the first three and last four digits of the number.</summary>
    public static string MaskPhone(string? phone)
    {
        if (string.IsNullOrEmpty(phone)) return "";
        var plus = phone.StartsWith('+') ? "+" : "";
        var digits = phone.TrimStart('+');
        if (digits.Length <= 7) return plus + new string('*', digits.Length);
        // Keep a country code of up to 3 digits visible with the first three national digits when long enough.
        var head = digits.Length >= 13 ? digits[..5] : digits[..3];
        return plus + head + "****" + digits[^4..];
    }

    /// <summary>alice@example.com -> a***@example.com.</summary>
    public static string MaskEmail(string? email)
    {
        if (string.IsNullOrEmpty(email)) return "";
        var at = email.LastIndexOf('@');
        if (at <= 0) return "***";
        return email[0] + "***" + email[at..];
    }

    /// <summary>Push tokens are secrets of the device: only the last four characters are shown.</summary>
    public static string MaskPushToken(string? token) =>
        string.IsNullOrEmpty(token) ? "" : token.Length <= 4 ? "****" : "****" + token[^4..];
}
