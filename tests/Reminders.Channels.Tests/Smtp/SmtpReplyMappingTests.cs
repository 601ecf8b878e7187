using Microsoft.Extensions.Time.Testing;
using Reminders.Channels.Tests.Support;
using Reminders.TestSupport;

namespace Reminders.Channels.Tests.Smtp;

/// <summary>What each kind of server answer becomes, against a scripted server.</summary>
public sealed class SmtpReplyMappingTests
{
    private const string Recipient = "nobody.here@example.net";

    [Theory]
    [InlineData("550 5.1.1 <nobody.here@example.net>: Recipient address rejected: User unknown", true)]
    [InlineData("550 Mailbox unavailable", true)]
    [InlineData("551 User not local; please try <elsewhere@example.org>", true)]
    [InlineData("553 5.1.3 Bad recipient address syntax", true)]
    [InlineData("550 5.7.1 Relaying denied", false)]
    [InlineData("552 5.2.2 Mailbox full", false)]
    [InlineData("554 5.7.1 Rejected by policy", false)]
    public async Task A_5xx_at_rcpt_is_permanent_and_blames_the_address_only_when_the_mailbox_is_unknown(string reply, bool contactInvalid)
    {
        await using var server = new ScriptedSmtpServer(new ScriptedSmtpServerOptions { Replies = new Dictionary<string, string> { ["RCPT"] = reply } });
        await using var host = SmtpHost.Start(server.Port, new FakeTimeProvider());

        var result = await Send(host);

        var failure = Assert.IsType<DeliveryResult.PermanentFailure>(result);
        Assert.Equal(contactInvalid, failure.ContactInvalid);
        Assert.Contains(reply[..3], failure.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(Recipient, failure.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("DATA", server.Commands);
        Assert.DoesNotContain(Recipient, host.Logs.AllText, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("n***@example.net", host.Logs.AllText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GREETING", "421 4.3.2 Service shutting down")]
    [InlineData("MAIL", "451 4.3.0 Local error in processing")]
    [InlineData("RCPT", "451 4.7.1 Greylisted, try again in 5 minutes")]
    [InlineData("RCPT", "421 4.4.5 Server busy")]
    [InlineData("DATA", "452 4.3.1 Insufficient system storage")]
    [InlineData("END", "451 4.3.0 Queue unavailable")]
    public async Task A_4xx_anywhere_is_transient(string step, string reply)
    {
        await using var server = new ScriptedSmtpServer(new ScriptedSmtpServerOptions { Replies = new Dictionary<string, string> { [step] = reply } });
        await using var host = SmtpHost.Start(server.Port, new FakeTimeProvider());

        var result = await Send(host);

        var failure = Assert.IsType<DeliveryResult.TransientFailure>(result);
        Assert.Contains(reply[..3], failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_421_to_ehlo_is_transient()
    {
        // The server closes the connection after its 421; MailKit tries HELO and reports the closed connection.
        await using var server = new ScriptedSmtpServer(new ScriptedSmtpServerOptions
        {
            Replies = new Dictionary<string, string> { ["EHLO"] = "421 4.7.0 Too many connections from your host" },
        });
        await using var host = SmtpHost.Start(server.Port, new FakeTimeProvider());

        var result = await Send(host);

        Assert.IsType<DeliveryResult.TransientFailure>(result);
    }

    [Theory]
    [InlineData("GREETING", "554 5.3.2 No SMTP service here")]
    [InlineData("MAIL", "553 5.7.1 Sender address rejected: not owned by user")]
    [InlineData("DATA", "554 5.5.1 No valid recipients")]
    [InlineData("END", "554 5.7.1 Message rejected as spam")]
    public async Task A_5xx_outside_rcpt_is_permanent_without_blaming_the_address(string step, string reply)
    {
        await using var server = new ScriptedSmtpServer(new ScriptedSmtpServerOptions { Replies = new Dictionary<string, string> { [step] = reply } });
        await using var host = SmtpHost.Start(server.Port, new FakeTimeProvider());

        var result = await Send(host);

        var failure = Assert.IsType<DeliveryResult.PermanentFailure>(result);
        Assert.False(failure.ContactInvalid);
        Assert.Contains(reply[..3], failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connection_refused_is_transient()
    {
        await using var host = SmtpHost.Start(TestStorage.FreePort(), new FakeTimeProvider());

        var result = await Send(host);

        Assert.IsType<DeliveryResult.TransientFailure>(result);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_transient_once_the_timeout_passes()
    {
        await using var server = new ScriptedSmtpServer(new ScriptedSmtpServerOptions { Silent = true });
        var time = new FakeTimeProvider();
        await using var host = SmtpHost.Start(server.Port, time, smtp: new Dictionary<string, string?> { ["Timeout"] = "00:00:20" });

        var sending = Send(host);
        await server.ConnectionAccepted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(sending.IsCompleted);
        // Advance more than once: the client may restart its step timeout just as the clock moves.
        for (var i = 0; i < 300 && !sending.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(21));
            await Task.WhenAny(sending, Task.Delay(100));
        }
        var result = await sending.WaitAsync(TimeSpan.FromSeconds(30));

        var failure = Assert.IsType<DeliveryResult.TransientFailure>(result);
        // "connect" or "greeting", depending on whether the client had seen its connect complete.
        Assert.Contains("no answer", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Falls_back_to_helo_when_ehlo_is_not_known_and_reads_multi_line_replies()
    {
        await using var server = new ScriptedSmtpServer(new ScriptedSmtpServerOptions
        {
            Replies = new Dictionary<string, string>
            {
                ["GREETING"] = "220-old.example ESMTP\r\n220-No spam please\r\n220 Go ahead",
                ["EHLO"] = "502 5.5.2 Command not implemented",
                ["RCPT"] = "250-Recipient ok\r\n250 and a second line",
            },
        });

        var host = SmtpHost.Start(server.Port, new FakeTimeProvider());

        var result = await Send(host);
        await host.DisposeAsync(); // says QUIT on the kept connection

        Assert.IsType<DeliveryResult.Sent>(result);
        Assert.Equal(["EHLO", "HELO", "MAIL", "RCPT", "DATA", "QUIT"], server.Commands);
    }

    [Fact]
    public async Task An_address_that_cannot_be_put_in_rcpt_to_is_invalid_without_connecting()
    {
        await using var server = new ScriptedSmtpServer(new ScriptedSmtpServerOptions());
        await using var host = SmtpHost.Start(server.Port, new FakeTimeProvider());

        var result = await host.Get<IEmailSender>().SendAsync(new EmailMessage("no-at-sign.example.net", "Your order", "text"), SmtpHost.Timeout());

        Assert.True(Assert.IsType<DeliveryResult.PermanentFailure>(result).ContactInvalid);
        Assert.Empty(server.ClientLines);
    }

    private static Task<DeliveryResult> Send(ChannelsHost host) =>
        host.Get<IEmailSender>().SendAsync(new EmailMessage(Recipient, "Your order", "text"), SmtpHost.Timeout());
}
