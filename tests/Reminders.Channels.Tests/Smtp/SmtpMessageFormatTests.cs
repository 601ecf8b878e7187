using System.Text;
using Reminders.Channels.Smtp;
using Reminders.TestSupport;

namespace Reminders.Channels.Tests.Smtp;

/// <summary>The message as it goes on the wire (RFC 5322 headers, MIME parts), read from a scripted server.</summary>
public sealed class SmtpMessageFormatTests
{
    [Fact]
    public async Task Writes_rfc_5322_headers_with_the_date_from_the_time_provider_and_the_message_id_it_reports()
    {
        await using var server = new ScriptedSmtpServer(new ScriptedSmtpServerOptions());
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 7, 9, 5, 3, TimeSpan.Zero));
        var subject = "订单提醒：您有一笔订单尚未付款，请尽快完成支付以免订单被取消";
        var message = new EmailMessage("buyer@example.net", subject, "纯文本", "<p>html</p>", new Dictionary<string, string>
        {
            ["List-Unsubscribe"] = "<https://shop.example/u?t=1>",
            ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
        });

        var result = await Sender(server.Port, time, "\"Shop, Inc.\" <shop@example.com>").SendAsync(message, Timeout());

        var sent = Assert.IsType<DeliveryResult.Sent>(result);
        var data = server.DataLines.ToArray();
        var headerLines = data.TakeWhile(l => l.Length > 0).ToArray();
        Assert.Contains("Date: Sat, 07 Mar 2026 09:05:03 +0000", headerLines);
        Assert.Contains("From: \"Shop, Inc.\" <shop@example.com>", headerLines);
        Assert.Contains("To: buyer@example.net", headerLines);
        Assert.Contains("MIME-Version: 1.0", headerLines);
        Assert.Contains("Message-ID: " + sent.ProviderMessageId, headerLines);
        Assert.Matches("^<[0-9a-f]{32}@example.com>$", sent.ProviderMessageId);
        Assert.Contains("List-Unsubscribe: <https://shop.example/u?t=1>", headerLines);
        Assert.Contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click", headerLines);
        Assert.Contains("Content-Type: multipart/alternative;", headerLines);
        Assert.Contains(headerLines, l => l.StartsWith(" boundary=\"", StringComparison.Ordinal));
        Assert.Equal(subject, DecodeSubject(headerLines));
        Assert.All(data, l => Assert.True(l.Length <= 78, $"line longer than 78: {l}"));
        Assert.All(data, l => Assert.True(l.All(char.IsAscii), $"non-ASCII line: {l}"));
        Assert.Contains("Content-Type: text/plain; charset=utf-8", data);
        Assert.Contains("Content-Type: text/html; charset=utf-8", data);
        Assert.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes("纯文本")), data);
    }

    [Theory]
    [InlineData("X-Note", "fine\r\nBcc: victim@example.org")]
    [InlineData("X-Note", "fine\nBcc: victim@example.org")]
    [InlineData("X-Note", "fine\rBcc: victim@example.org")]
    [InlineData("X-Bad\r\nBcc", "victim@example.org")]
    [InlineData("Bcc", "victim@example.org")]
    [InlineData("Subject", "a second subject")]
    public async Task Refuses_headers_that_could_inject_or_override_fields_and_sends_nothing(string name, string value)
    {
        await using var server = new ScriptedSmtpServer(new ScriptedSmtpServerOptions());
        var message = new EmailMessage("buyer@example.net", "Your order", "text", Headers: new Dictionary<string, string> { [name] = value });

        var result = await Sender(server.Port, new FakeTimeProvider(), "shop@example.com").SendAsync(message, Timeout());

        Assert.False(Assert.IsType<DeliveryResult.PermanentFailure>(result).ContactInvalid);
        Assert.DoesNotContain("DATA", server.Commands);
    }

    [Theory]
    [InlineData("Your order\r\nBcc: victim@example.org")]
    [InlineData("Your order\nBcc: victim@example.org")]
    public async Task Refuses_a_subject_with_line_breaks(string subject)
    {
        await using var server = new ScriptedSmtpServer(new ScriptedSmtpServerOptions());

        var result = await Sender(server.Port, new FakeTimeProvider(), "shop@example.com").SendAsync(new EmailMessage("buyer@example.net", subject, "text"), Timeout());

        Assert.IsType<DeliveryResult.PermanentFailure>(result);
        Assert.DoesNotContain("DATA", server.Commands);
    }

    [Fact]
    public async Task A_text_only_message_is_a_single_quoted_printable_part_with_crlf_lines_of_at_most_76_characters()
    {
        await using var server = new ScriptedSmtpServer(new ScriptedSmtpServerOptions());
        var longLine = new string('a', 100) + "=b";
        var message = new EmailMessage("buyer@example.net", "Plain", $"first\n{longLine}\r\nlast  ");

        var result = await Sender(server.Port, new FakeTimeProvider(), "shop@example.com").SendAsync(message, Timeout());

        Assert.IsType<DeliveryResult.Sent>(result);
        var data = server.DataLines.ToArray();
        Assert.Contains("Content-Type: text/plain; charset=utf-8", data);
        Assert.Contains("Content-Transfer-Encoding: quoted-printable", data);
        var body = data.SkipWhile(l => l.Length > 0).Skip(1).ToArray();
        Assert.All(body, l => Assert.True(l.Length <= 76));
        Assert.Equal("first", body[0]);
        Assert.Equal(new string('a', 75) + "=", body[1]);
        Assert.Equal(new string('a', 25) + "=3Db", body[2]);
        Assert.Equal("last =20", body[3]);
    }

    private static SmtpEmailSender Sender(int port, TimeProvider time, string from) =>
        new(new SmtpOptions { Host = "127.0.0.1", Port = port, From = from }, time, new ListLogger<SmtpEmailSender>());

    /// <summary>Joins the folded Subject field and decodes its RFC 2047 B encoded-words.</summary>
    private static string DecodeSubject(string[] headerLines)
    {
        var start = Array.FindIndex(headerLines, l => l.StartsWith("Subject: ", StringComparison.Ordinal));
        var words = new List<string> { headerLines[start]["Subject: ".Length..] };
        words.AddRange(headerLines.Skip(start + 1).TakeWhile(l => l.StartsWith(' ')).Select(l => l.Trim()));
        Assert.True(words.Count > 1, "a long subject is folded into several encoded-words");
        // Each word decoded on its own: a character cut in two between words would not survive this.
        return string.Concat(words.Select(w =>
        {
            Assert.StartsWith("=?utf-8?B?", w, StringComparison.Ordinal);
            Assert.EndsWith("?=", w, StringComparison.Ordinal);
            return Encoding.UTF8.GetString(Convert.FromBase64String(w["=?utf-8?B?".Length..^2]));
        }));
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;
}
