using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Reminders.Channels.Smtp;

/// <summary>An address as it goes on the wire (ASCII, the domain in IDNA form) with an optional display name.</summary>
internal sealed record MailboxAddress(string? DisplayName, string Address)
{
    public string Domain => Address[(Address.LastIndexOf('@') + 1)..];

    /// <summary>Parses "Name &lt;address&gt;", "\"Name\" &lt;address&gt;" or a bare address.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out MailboxAddress? mailbox)
    {
        mailbox = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        string? name = null;
        var address = text;
        var open = text.LastIndexOf('<');
        if (open >= 0)
        {
            if (!text.EndsWith('>')) return false;
            name = text[..open].Trim();
            if (name.Length >= 2 && name[0] == '"' && name[^1] == '"') name = name[1..^1].Replace("\\\"", "\"").Replace("\\\\", "\\");
            if (name.Length == 0) name = null;
            address = text[(open + 1)..^1].Trim();
        }
        if (name is not null && name.Any(char.IsControl)) return false;
        if (NormalizeAddress(address, out var normalized) is not null) return false;
        mailbox = new MailboxAddress(name, normalized);
        return true;
    }

    /// <summary>
    /// Checks that an address can be put into a MAIL FROM / RCPT TO command and converts its domain to IDNA.
    /// Only what would break the protocol is refused here; the server judges everything else.
    /// </summary>
    /// <returns>null when the address can be used, else what is wrong with it.</returns>
    public static AddressProblem? NormalizeAddress(string address, out string normalized)
    {
        normalized = "";
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1) return new AddressProblem("the address has no local part or no domain", AddressInvalid: true);
        var local = address[..at];
        if (local.Any(c => c <= ' ' || c == '<' || c == '>' || c == 0x7F))
            return new AddressProblem("the address contains spaces, control characters or angle brackets", AddressInvalid: true);
        if (local.Any(c => c > '~'))
            return new AddressProblem("the address has a non-ASCII local part, which needs SMTPUTF8 (not supported)", AddressInvalid: false);
        string domain;
        try
        {
            domain = new IdnMapping().GetAscii(address[(at + 1)..]);
        }
        catch (ArgumentException)
        {
            return new AddressProblem("the address has an invalid domain", AddressInvalid: true);
        }
        if (domain.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '.')))
            return new AddressProblem("the address has an invalid domain", AddressInvalid: true);
        normalized = local + "@" + domain;
        return null;
    }
}

/// <summary>Why an address cannot be used; AddressInvalid when the address itself is broken rather than merely unsupported.</summary>
internal sealed record AddressProblem(string Reason, bool AddressInvalid);
