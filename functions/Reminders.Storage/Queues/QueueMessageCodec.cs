using System.Text;
using System.Xml;

namespace Reminders.Storage;

/// <summary>Encodes message text for the wire (Base64 or plain, inside the XML body) and decodes received text.</summary>
internal static class QueueMessageCodec
{
    /// <summary>The Queue service refuses message text over 64 KiB (UTF-8 bytes, as stored).</summary>
    public const int MaxMessageBytes = 64 * 1024;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Encode(string messageText, QueueMessageEncoding encoding) =>
        encoding == QueueMessageEncoding.Base64 ? Convert.ToBase64String(Utf8.GetBytes(messageText)) : messageText;

    /// <summary>The decoded text, or null when <paramref name="rawText"/> is not valid for the encoding.</summary>
    public static string? Decode(string rawText, QueueMessageEncoding encoding)
    {
        if (encoding == QueueMessageEncoding.None) return rawText;
        var buffer = new byte[rawText.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(rawText, buffer, out var written)) return null;
        try
        {
            return Utf8.GetString(buffer, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary><c>&lt;QueueMessage&gt;&lt;MessageText&gt;...&lt;/MessageText&gt;&lt;/QueueMessage&gt;</c> as UTF-8, after the size check.</summary>
    public static byte[] BuildBody(string encodedText, string queueName)
    {
        var size = Utf8.GetByteCount(encodedText);
        if (size > MaxMessageBytes)
        {
            throw new ArgumentException(
                $"The message for queue '{queueName}' is {size} bytes once encoded; the Queue service accepts at most {MaxMessageBytes} bytes.",
                "messageText");
        }

        using var stream = new MemoryStream();
        var settings = new XmlWriterSettings
        {
            Encoding = Utf8,
            CheckCharacters = true,
            NewLineHandling = NewLineHandling.Entitize,
        };
        try
        {
            using var writer = XmlWriter.Create(stream, settings);
            writer.WriteStartElement("QueueMessage");
            writer.WriteElementString("MessageText", encodedText);
            writer.WriteEndElement();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"The message for queue '{queueName}' contains a character XML cannot carry; send it with QueueMessageEncoding.Base64. {e.Message}",
                "messageText", e);
        }
        return stream.ToArray();
    }
}
