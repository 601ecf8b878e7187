using System.Text;

namespace Reminders.Channels.Smtp;

/// <summary>The session ended in a way that has a definite delivery result (a refusal, a configuration that cannot work).</summary>
internal sealed class SmtpFailureException(DeliveryResult result, bool serverClosing = false) : Exception(Describe(result))
{
    public DeliveryResult Result { get; } = result;

    /// <summary>The server said 421: it is closing the connection, so there is no point in a QUIT.</summary>
    public bool ServerClosing { get; } = serverClosing;

    private static string Describe(DeliveryResult result) => result switch
    {
        DeliveryResult.TransientFailure transient => transient.Reason,
        DeliveryResult.PermanentFailure permanent => permanent.Reason,
        _ => result.ToString(),
    };
}

/// <summary>
/// One mail transaction on an open connection (RFC 5321): greeting, EHLO (or HELO), STARTTLS, AUTH, MAIL, RCPT, DATA.
/// Every wait for the server restarts the timeout, so Timeout bounds each step rather than the whole message.
/// </summary>
internal sealed class SmtpSession(
    SmtpConnection connection,
    SmtpOptions options,
    CancellationTokenSource timeout,
    CancellationToken cancellationToken,
    Func<string, string> maskRecipient)
{
    private const int MaxReasonLength = 300;

    /// <summary>The step in progress, for failure reasons.</summary>
    public string Stage { get; private set; } = "connect";

    public async Task DeliverAsync(string from, string to, byte[] content)
    {
        Stage = "greeting";
        RestartTimeout();
        Expect(await connection.ReadReplyAsync(cancellationToken).ConfigureAwait(false), 220);

        var extensions = await HelloAsync().ConfigureAwait(false);
        if (options.StartTls)
        {
            Stage = "STARTTLS";
            if (!extensions.ContainsKey("STARTTLS"))
                throw Permanent("StartTls is set but the server does not offer STARTTLS; nothing was sent");
            Expect(await CommandAsync("STARTTLS").ConfigureAwait(false), 220);
            RestartTimeout();
            await connection.UpgradeToTlsAsync(options.Host, options.ServerCertificateValidation, cancellationToken).ConfigureAwait(false);
            extensions = await HelloAsync().ConfigureAwait(false);
        }
        if (!string.IsNullOrEmpty(options.User)) await AuthenticateAsync(extensions, options.User, options.Password ?? "").ConfigureAwait(false);

        Stage = "MAIL FROM";
        Expect(await CommandAsync($"MAIL FROM:<{from}>").ConfigureAwait(false), 250);
        Stage = "RCPT TO";
        var recipientReply = await CommandAsync($"RCPT TO:<{to}>").ConfigureAwait(false);
        if (recipientReply.Code is not (250 or 251)) throw Failure(recipientReply);
        Stage = "DATA";
        Expect(await CommandAsync("DATA").ConfigureAwait(false), 354);
        Stage = "message";
        RestartTimeout();
        await connection.WriteDataAsync(content, cancellationToken).ConfigureAwait(false);
        Expect(await connection.ReadReplyAsync(cancellationToken).ConfigureAwait(false), 250);
    }

    /// <summary>Ends the session politely. The outcome is already decided, so nothing that happens here changes it.</summary>
    public async Task QuitQuietlyAsync()
    {
        try
        {
            RestartTimeout();
            await connection.CommandAsync("QUIT", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SmtpProtocolException
                                       or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            // The server may already have closed the connection.
        }
    }

    /// <summary>EHLO, or HELO for a server that does not know EHLO. Answers the extensions by keyword (STARTTLS, AUTH ...).</summary>
    private async Task<Dictionary<string, string>> HelloAsync()
    {
        Stage = "EHLO";
        var reply = await CommandAsync($"EHLO {options.ClientDomain}").ConfigureAwait(false);
        if (reply.IsPositiveCompletion) return ParseExtensions(reply);
        if (!reply.IsPermanentNegative) throw Failure(reply);
        Stage = "HELO";
        Expect(await CommandAsync($"HELO {options.ClientDomain}").ConfigureAwait(false), 250);
        return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    }

    private static Dictionary<string, string> ParseExtensions(SmtpReply ehloReply)
    {
        var extensions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in ehloReply.Lines.Skip(1))
        {
            // "AUTH PLAIN LOGIN", and the old form "AUTH=PLAIN LOGIN" some servers still send.
            var parts = line.Trim().Split([' ', '='], 2);
            if (parts[0].Length == 0) continue;
            var parameters = parts.Length > 1 ? parts[1].Trim() : "";
            extensions[parts[0]] = extensions.TryGetValue(parts[0], out var earlier) ? earlier + " " + parameters : parameters;
        }
        return extensions;
    }

    private async Task AuthenticateAsync(Dictionary<string, string> extensions, string user, string password)
    {
        Stage = "AUTH";
        if (!connection.IsEncrypted)
            throw Permanent("Credentials are only sent over TLS and this connection is not encrypted (set StartTls)");
        var mechanisms = extensions.TryGetValue("AUTH", out var offered)
            ? offered.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(m => m.ToUpperInvariant()).ToHashSet()
            : [];
        if (mechanisms.Contains("PLAIN"))
        {
            var response = Base64($"\0{user}\0{password}");
            Expect(await CommandAsync("AUTH PLAIN " + response).ConfigureAwait(false), 235);
        }
        else if (mechanisms.Contains("LOGIN"))
        {
            Expect(await CommandAsync("AUTH LOGIN").ConfigureAwait(false), 334);
            Expect(await CommandAsync(Base64(user)).ConfigureAwait(false), 334);
            Expect(await CommandAsync(Base64(password)).ConfigureAwait(false), 235);
        }
        else
        {
            var what = mechanisms.Count == 0 ? "no AUTH mechanism" : "only " + string.Join(" ", mechanisms);
            throw Permanent($"User is set but the server offers {what}; this client supports PLAIN and LOGIN");
        }
    }

    private async Task<SmtpReply> CommandAsync(string command)
    {
        RestartTimeout();
        return await connection.CommandAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private void RestartTimeout() => timeout.CancelAfter(options.Timeout);

    private void Expect(SmtpReply reply, int code)
    {
        if (reply.Code != code) throw Failure(reply);
    }

    /// <summary>
    /// 4xx: try again later. 5xx: permanent; at RCPT TO a 550/551/553 means the mailbox does not exist, unless an
    /// enhanced status code says the refusal is about something other than the address (5.7.1 policy and the like).
    /// Anything else where a definite code was expected is a confused server: try again later.
    /// </summary>
    private SmtpFailureException Failure(SmtpReply reply)
    {
        var text = maskRecipient(reply.Text);
        if (text.Length > MaxReasonLength) text = text[..MaxReasonLength] + "...";
        var reason = $"{Stage}: the server answered {reply.Code} {text}".TrimEnd();
        if (reply.IsPermanentNegative)
        {
            var mailboxUnknown = Stage == "RCPT TO"
                && reply.Code is 550 or 551 or 553
                && (reply.EnhancedStatus is not { } status || status.Subject == 1);
            return new SmtpFailureException(new DeliveryResult.PermanentFailure(reason, ContactInvalid: mailboxUnknown));
        }
        return new SmtpFailureException(new DeliveryResult.TransientFailure(reason), serverClosing: reply.Code == 421);
    }

    private SmtpFailureException Permanent(string reason) =>
        new(new DeliveryResult.PermanentFailure($"{Stage}: {reason}", ContactInvalid: false));

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
