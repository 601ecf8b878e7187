using System.Text.Json;

namespace Reminders.Channels.Tests.Smtp;

/// <summary>End to end into a real maildev, read back through its REST API.</summary>
public sealed class SmtpEmailSenderMaildevTests(MaildevFixture maildev) : IClassFixture<MaildevFixture>
{
    [Fact]
    public async Task Delivers_a_Chinese_subject_text_and_html_bodies_and_list_unsubscribe_headers()
    {
        var id = Guid.NewGuid().ToString("N");
        var subject = $"订单提醒：您有一笔订单尚未付款，请在 30 分钟内完成支付 {id}";
        var to = $"buyer-{id[..8]}@example.net";
        var text = "您好，\n您的订单 A-1001 尚未付款。\n请在 30 分钟内完成支付。";
        var html = "<p>您好，</p>\n<p>您的订单 <b>A-1001</b> 尚未付款。</p>";
        var unsubscribe = $"<https://shop.example/unsubscribe?t={id}>, <mailto:unsubscribe@shop.example?subject={id}>";
        var headers = new Dictionary<string, string>
        {
            ["List-Unsubscribe"] = unsubscribe,
            ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
        };

        await using var host = SmtpHost.Start(maildev.SmtpPort, TimeProvider.System, from: "示例商店 <shop@example.com>");

        var result = await host.Get<IEmailSender>().SendAsync(new EmailMessage(to, subject, text, html, headers), SmtpHost.Timeout());

        var sent = Assert.IsType<DeliveryResult.Sent>(result);
        var email = await maildev.WaitForEmailAsync(subject);
        Assert.Equal(text, Body(email, "text"));
        Assert.Equal(html, Body(email, "html"));
        var received = email.GetProperty("headers");
        Assert.Equal(unsubscribe, received.GetProperty("list-unsubscribe").GetString());
        Assert.Equal("List-Unsubscribe=One-Click", received.GetProperty("list-unsubscribe-post").GetString());
        Assert.Equal(sent.ProviderMessageId, received.GetProperty("message-id").GetString());
        Assert.Equal(to, Assert.Single(email.GetProperty("to").EnumerateArray()).GetProperty("address").GetString());
        var from = Assert.Single(email.GetProperty("from").EnumerateArray());
        Assert.Equal("shop@example.com", from.GetProperty("address").GetString());
        Assert.Equal("示例商店", from.GetProperty("name").GetString());
        Assert.DoesNotContain(to, host.Logs.AllText, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("b***@example.net", host.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ascii_body_with_dot_lines_and_long_lines_arrives_unchanged()
    {
        var subject = "Dots and long lines " + Guid.NewGuid().ToString("N");
        var longLine = string.Join(" ", Enumerable.Range(1, 40).Select(i => $"word{i}=x")) + "   ";
        var text = $".starts with a dot\n.\n..two dots\n{longLine}\nend.";

        await using var host = SmtpHost.Start(maildev.SmtpPort, TimeProvider.System);

        var result = await host.Get<IEmailSender>().SendAsync(new EmailMessage("buyer@example.net", subject, text), SmtpHost.Timeout());

        Assert.IsType<DeliveryResult.Sent>(result);
        var email = await maildev.WaitForEmailAsync(subject);
        Assert.Equal(text, Body(email, "text"));
    }

    /// <summary>The body as sent, whatever line endings and final newline the parser gives it.</summary>
    private static string Body(JsonElement email, string property) =>
        email.GetProperty(property).GetString()!.ReplaceLineEndings("\n").TrimEnd('\n');
}
