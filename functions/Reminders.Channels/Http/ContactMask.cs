namespace Reminders.Channels.Http;

/// <summary>
/// Buyers' contacts as they may appear in logs and failure reasons. Same rules as
/// Reminders.Core.ContactMasking, which this project cannot reference.
/// </summary>
internal static class ContactMask
{
    /// <summary>+8613800138000 -> +86138****8000.</summary>
    public static string Phone(string? phone)
    {
        if (string.IsNullOrEmpty(phone)) return "";
        var plus = phone.StartsWith('+') ? "+" : "";
        var digits = phone.TrimStart('+');
        if (digits.Length <= 7) return plus + new string('*', digits.Length);
        var head = digits.Length >= 13 ? digits[..5] : digits[..3];
        return plus + head + "****" + digits[^4..];
    }

    /// <summary>alice@example.com -> a***@example.com.</summary>
    public static string Email(string? email)
    {
        if (string.IsNullOrEmpty(email)) return "";
        var at = email.LastIndexOf('@');
        if (at <= 0) return "***";
        return email[0] + "***" + email[at..];
    }

    /// <summary>Only the last four characters of a push token are shown.</summary>
    public static string PushToken(string? token) =>
        string.IsNullOrEmpty(token) ? "" : token.Length <= 4 ? "****" : "****" + token[^4..];

    /// <summary>Replaces the raw contact inside provider text (error messages often echo it) with its mask.</summary>
    public static string Scrub(string? text, string contact, string masked)
    {
        if (string.IsNullOrEmpty(text)) return "";
        if (string.IsNullOrEmpty(contact)) return text;
        var scrubbed = text.Replace(contact, masked, StringComparison.OrdinalIgnoreCase);
        // Phone numbers are sometimes echoed without the leading '+'.
        if (contact.StartsWith('+') && contact.Length > 1)
            scrubbed = scrubbed.Replace(contact[1..], masked.TrimStart('+'), StringComparison.Ordinal);
        return scrubbed;
    }
}
