using Microsoft.Extensions.Time.Testing;
using Reminders.TestSupport;

namespace Reminders.Channels.Tests.Smtp;

/// <summary>Caller-given header text cannot add header fields to the message on the wire.</summary>
public sealed class SmtpHeaderTests
{
    [Theory]
    [InlineData("fine\r\nBcc: victim@example.org")]
    [InlineData("fine\nBcc: victim@example.org")]
    [InlineData("fine\rBcc: victim@example.org")]
    public async Task A_header_value_with_line_breaks_adds_no_field(string value)
    {
        var message = new EmailMessage("buyer@example.net", "Your order", "text", Headers: new Dictionary<string, string> { ["X-Note"] = value });

        var headerLines = await SendAndReadHeadersAsync(message);

        Assert.DoesNotContain(headerLines, line => line.StartsWith("Bcc:", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("Your order\r\nBcc: victim@example.org")]
    [InlineData("Your order\nBcc: victim@example.org")]
    public async Task A_subject_with_line_breaks_adds_no_field(string subject)
    {
        var headerLines = await SendAndReadHeadersAsync(new EmailMessage("buyer@example.net", subject, "text"));

        Assert.DoesNotContain(headerLines, line => line.StartsWith("Bcc:", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The header lines of the message as the server received it, folded lines kept apart.</summary>
    private static async Task<string[]> SendAndReadHeadersAsync(EmailMessage message)
    {
        await using var server = new ScriptedSmtpServer(new ScriptedSmtpServerOptions());
        await using var host = SmtpHost.Start(server.Port, new FakeTimeProvider());

        var result = await host.Get<IEmailSender>().SendAsync(message, SmtpHost.Timeout());

        Assert.IsType<DeliveryResult.Sent>(result);
        Assert.Equal(["buyer@example.net"], server.ClientLines.Where(l => l.Line.StartsWith("RCPT", StringComparison.Ordinal))
            .Select(l => l.Line[(l.Line.IndexOf('<') + 1)..l.Line.IndexOf('>')]));
        return server.DataLines.TakeWhile(l => l.Length > 0).ToArray();
    }
}
