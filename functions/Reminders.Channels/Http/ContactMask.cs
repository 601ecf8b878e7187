namespace Reminders.Channels.Http;

/// <summary>Keeps buyers' contacts out of provider text; the masks themselves are Reminders.Core.ContactMasking's.</summary>
internal static class ContactMask
{
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
