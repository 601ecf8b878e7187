using System.Globalization;
using System.Text;

namespace Reminders.Channels.Smtp;

/// <summary>A message that cannot be written without breaking its structure (CR/LF in a header and the like).</summary>
internal sealed class InvalidEmailException(string message) : Exception(message);

/// <summary>
/// Writes an email as RFC 5322 / MIME text: 7-bit ASCII with CRLF line endings, ready for DATA
/// (before dot-stuffing). Non-ASCII header text becomes RFC 2047 encoded-words; bodies are UTF-8,
/// quoted-printable when they are ASCII and base64 otherwise.
/// </summary>
internal static class MimeMessageWriter
{
    private const string Crlf = "\r\n";
    private const int MaxLineLength = 998;

    /// <summary>UTF-8 bytes per encoded-word: 39 bytes are 52 base64 characters, 64 with the "=?utf-8?B?" and "?=" around them.</summary>
    private const int EncodedWordBytes = 39;

    /// <summary>Header fields this writer owns; EmailMessage.Headers may not set them (nor Cc/Bcc, which would not match the envelope).</summary>
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Date", "From", "To", "Cc", "Bcc", "Subject", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
    };

    public static byte[] Write(EmailMessage message, MailboxAddress from, string to, string messageId, DateTimeOffset date)
    {
        var text = new StringBuilder();
        AppendHeader(text, "Date", date.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture));
        AppendHeader(text, "From", FormatMailbox(from));
        AppendHeader(text, "To", to);
        AppendHeader(text, "Subject", EncodeUnstructured("Subject", message.Subject));
        AppendHeader(text, "Message-ID", messageId);
        AppendHeader(text, "MIME-Version", "1.0");
        foreach (var (name, value) in message.Headers ?? new Dictionary<string, string>())
        {
            CheckExtraHeader(name, value);
            AppendHeader(text, name, value);
        }

        if (message.Html is null)
        {
            AppendBodyPart(text, "text/plain", message.Text);
        }
        else
        {
            var boundary = "=_" + Guid.NewGuid().ToString("N");
            AppendHeader(text, "Content-Type", $"multipart/alternative;{Crlf} boundary=\"{boundary}\"");
            text.Append(Crlf);
            text.Append("--").Append(boundary).Append(Crlf);
            AppendBodyPart(text, "text/plain", message.Text);
            text.Append(Crlf).Append("--").Append(boundary).Append(Crlf);
            AppendBodyPart(text, "text/html", message.Html);
            text.Append(Crlf).Append("--").Append(boundary).Append("--").Append(Crlf);
        }
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>"Name &lt;address&gt;" with the name quoted or encoded as it needs.</summary>
    public static string FormatMailbox(MailboxAddress mailbox)
    {
        if (string.IsNullOrEmpty(mailbox.DisplayName)) return mailbox.Address;
        var name = mailbox.DisplayName;
        string phrase;
        if (!IsAscii(name) || name.Contains("=?", StringComparison.Ordinal)) phrase = string.Join(" ", EncodedWords(name));
        else if (name.All(IsAtomTextOrSpace)) phrase = name;
        else phrase = "\"" + name.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        return phrase + " <" + mailbox.Address + ">";
    }

    private static void AppendHeader(StringBuilder text, string name, string value) =>
        text.Append(name).Append(": ").Append(value).Append(Crlf);

    private static void CheckExtraHeader(string name, string value)
    {
        if (name.Length == 0 || name.Any(c => c is <= ' ' or > '~' or ':'))
            throw new InvalidEmailException($"Header name \"{Printable(name)}\" is not a valid field name.");
        if (ReservedHeaders.Contains(name))
            throw new InvalidEmailException($"Header {name} is set by the sender and cannot be given.");
        if (value.Any(c => c is '\r' or '\n'))
            throw new InvalidEmailException($"Header {name} contains CR or LF.");
        if (value.Any(c => (c < ' ' && c != '\t') || c > '~'))
            throw new InvalidEmailException($"Header {name} must be printable ASCII.");
        if (name.Length + 2 + value.Length > MaxLineLength)
            throw new InvalidEmailException($"Header {name} is longer than {MaxLineLength} characters.");
    }

    /// <summary>An unstructured header value (Subject): as it is when short ASCII, else RFC 2047 B encoded-words on folded lines.</summary>
    private static string EncodeUnstructured(string name, string value)
    {
        if (value.Any(c => c is '\r' or '\n')) throw new InvalidEmailException($"{name} contains CR or LF.");
        if (value.Any(c => char.IsControl(c) && c != '\t')) throw new InvalidEmailException($"{name} contains control characters.");
        var fitsOnOneLine = name.Length + 2 + value.Length <= 78;
        if (IsAscii(value) && fitsOnOneLine && !value.Contains("=?", StringComparison.Ordinal)) return value;
        return string.Join(Crlf + " ", EncodedWords(value));
    }

    /// <summary>Splits text into "=?utf-8?B?...?=" words, never cutting a character in two.</summary>
    private static IEnumerable<string> EncodedWords(string value)
    {
        var chunk = new List<byte>(EncodedWordBytes);
        Span<byte> runeBytes = stackalloc byte[4];
        var words = new List<string>();
        foreach (var rune in value.EnumerateRunes())
        {
            var length = rune.EncodeToUtf8(runeBytes);
            if (chunk.Count + length > EncodedWordBytes)
            {
                words.Add(EncodedWord(chunk));
                chunk.Clear();
            }
            for (var i = 0; i < length; i++) chunk.Add(runeBytes[i]);
        }
        if (chunk.Count > 0 || words.Count == 0) words.Add(EncodedWord(chunk));
        return words;
    }

    private static string EncodedWord(List<byte> bytes) => "=?utf-8?B?" + Convert.ToBase64String(bytes.ToArray()) + "?=";

    private static void AppendBodyPart(StringBuilder text, string mediaType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(NormalizeLineEndings(body));
        var ascii = bytes.All(b => b < 0x80);
        AppendHeader(text, "Content-Type", mediaType + "; charset=utf-8");
        AppendHeader(text, "Content-Transfer-Encoding", ascii ? "quoted-printable" : "base64");
        text.Append(Crlf);
        text.Append(ascii ? QuotedPrintable(bytes) : Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks));
    }

    /// <summary>Every CR, LF and CRLF becomes CRLF, the canonical form of text/* (RFC 2046 4.1.1).</summary>
    private static string NormalizeLineEndings(string text)
    {
        var result = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n') i++;
                result.Append(Crlf);
            }
            else if (c == '\n') result.Append(Crlf);
            else result.Append(c);
        }
        return result.ToString();
    }

    /// <summary>RFC 2045 6.7 over CRLF-separated lines: encoded lines of at most 76 characters, trailing blanks encoded.</summary>
    private static string QuotedPrintable(byte[] bytes)
    {
        const int softLimit = 75; // leaves room for the "=" of a soft line break
        var output = new StringBuilder(bytes.Length + bytes.Length / 8);
        var lineLength = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (b == '\r' && i + 1 < bytes.Length && bytes[i + 1] == '\n')
            {
                output.Append(Crlf);
                lineLength = 0;
                i++;
                continue;
            }
            var endOfLine = i + 1 == bytes.Length || (bytes[i + 1] == '\r' && i + 2 < bytes.Length && bytes[i + 2] == '\n');
            var literal = (b is >= 33 and <= 126 && b != '=') || (b is (byte)' ' or (byte)'\t' && !endOfLine);
            var token = literal ? ((char)b).ToString() : "=" + b.ToString("X2", CultureInfo.InvariantCulture);
            if (lineLength + token.Length > softLimit)
            {
                output.Append('=').Append(Crlf);
                lineLength = 0;
            }
            output.Append(token);
            lineLength += token.Length;
        }
        return output.ToString();
    }

    private static bool IsAscii(string value) => value.All(char.IsAscii);

    private static bool IsAtomTextOrSpace(char c) =>
        char.IsAsciiLetterOrDigit(c) || c == ' ' || "!#$%&'*+-/=?^_`{|}~".Contains(c);

    private static string Printable(string value) => new(value.Select(c => c is < ' ' or > '~' ? '?' : c).ToArray());
}
