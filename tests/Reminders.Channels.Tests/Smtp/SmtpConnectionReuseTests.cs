using Microsoft.Extensions.Time.Testing;
using Reminders.TestSupport;

namespace Reminders.Channels.Tests.Smtp;

/// <summary>One kept connection for a batch of messages, opened again when the server has closed it.</summary>
public sealed class SmtpConnectionReuseTests
{
    [Fact]
    public async Task A_batch_of_messages_goes_over_one_connection()
    {
        await using var server = new ScriptedSmtpServer(new ScriptedSmtpServerOptions());
        await using var host = SmtpHost.Start(server.Port, new FakeTimeProvider());
        var sender = host.Get<IEmailSender>();

        for (var i = 0; i < 3; i++)
        {
            Assert.IsType<DeliveryResult.Sent>(await sender.SendAsync(new EmailMessage($"buyer{i}@example.net", "Your order", "text"), SmtpHost.Timeout()));
        }

        Assert.Equal(1, server.Connections);
        Assert.Equal(3, server.Commands.Count(c => c == "MAIL"));
    }

    [Fact]
    public async Task Concurrent_sends_take_turns_on_the_one_connection()
    {
        await using var server = new ScriptedSmtpServer(new ScriptedSmtpServerOptions());
        await using var host = SmtpHost.Start(server.Port, new FakeTimeProvider());
        var sender = host.Get<IEmailSender>();

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            sender.SendAsync(new EmailMessage($"buyer{i}@example.net", "Your order", "text"), SmtpHost.Timeout())));

        Assert.All(results, r => Assert.IsType<DeliveryResult.Sent>(r));
        Assert.Equal(1, server.Connections);
        Assert.Equal(5, server.Commands.Count(c => c == "DATA"));
    }

    [Fact]
    public async Task A_connection_the_server_closed_is_opened_again()
    {
        await using var server = new ScriptedSmtpServer(new ScriptedSmtpServerOptions { CloseAfterEachMessage = true });
        await using var host = SmtpHost.Start(server.Port, new FakeTimeProvider());
        var sender = host.Get<IEmailSender>();

        var first = await sender.SendAsync(new EmailMessage("first@example.net", "Your order", "text"), SmtpHost.Timeout());
        var second = await sender.SendAsync(new EmailMessage("second@example.net", "Your order", "text"), SmtpHost.Timeout());

        Assert.IsType<DeliveryResult.Sent>(first);
        Assert.IsType<DeliveryResult.Sent>(second);
        Assert.Equal(2, server.Connections);
    }
}
