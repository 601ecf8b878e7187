using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;
using Reminders.Channels.Http;
using Reminders.Core;

namespace Reminders.Channels.Smtp;

/// <summary>
/// Email through an SMTP server with MailKit: STARTTLS or implicit TLS and AUTH as configured, multipart text and
/// HTML, UTF-8 headers. One connection is kept and reused from message to message (one message at a time on it);
/// a connection the server dropped meanwhile is opened again. The provider message id of a sent email is its
/// Message-ID header value ("&lt;...@domain&gt;").
/// </summary>
public sealed partial class SmtpEmailSender : IEmailSender, IAsyncDisposable, IDisposable
{
    private const int MaxReasonLength = 300;

    private static readonly ParserOptions AddressParser = new() { AllowAddressesWithoutDomain = false };

    private readonly SmtpOptions _options;
    private readonly MailboxAddress _from;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SmtpEmailSender> _logger;
    private readonly SemaphoreSlim _connectionGate = new(1, 1);
    private SmtpClient? _client;

    public SmtpEmailSender(IOptions<SmtpOptions> options, IOptions<ChannelsOptions> channels, TimeProvider timeProvider, ILogger<SmtpEmailSender> logger)
    {
        _options = options.Value;
        _from = channels.Value.Email.Sender ?? throw new ArgumentException("Channels__Email__From is not an address.", nameof(channels));
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public string Provider => "smtp";

    public async Task<DeliveryResult> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var maskedTo = ContactMasking.MaskEmail(message.To);
        var result = await DeliverAsync(message, maskedTo, cancellationToken).ConfigureAwait(false);
        switch (result)
        {
            case DeliveryResult.Sent sent:
                LogSent(maskedTo, _options.Host, _options.Port, sent.ProviderMessageId);
                break;
            case DeliveryResult.TransientFailure transient:
                LogTransientFailure(maskedTo, _options.Host, _options.Port, transient.Reason);
                break;
            case DeliveryResult.PermanentFailure permanent:
                LogPermanentFailure(maskedTo, _options.Host, _options.Port, permanent.ContactInvalid, permanent.Reason);
                break;
        }
        return result;
    }

    private async Task<DeliveryResult> DeliverAsync(EmailMessage email, string maskedTo, CancellationToken cancellationToken)
    {
        if (!MailboxAddress.TryParse(AddressParser, email.To.Trim(), out var to))
            return new DeliveryResult.PermanentFailure($"Recipient {maskedTo} is not an address.", ContactInvalid: true);
        MimeMessage message;
        try
        {
            message = CreateMessage(email, to);
        }
        catch (ArgumentException e)
        {
            return new DeliveryResult.PermanentFailure("The message cannot be written: " + e.Message, ContactInvalid: false);
        }

        await _connectionGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await SendOnKeptConnectionAsync(message, to, text => ContactMask.Scrub(text, to.Address, maskedTo), cancellationToken)
                .ConfigureAwait(false);
        }
        finally
        {
            _connectionGate.Release();
        }
    }

    private MimeMessage CreateMessage(EmailMessage email, MailboxAddress to)
    {
        var message = new MimeMessage
        {
            Date = _timeProvider.GetUtcNow(),
            MessageId = MimeUtils.GenerateMessageId(_from.Domain),
            Subject = email.Subject,
            Body = new BodyBuilder { TextBody = email.Text, HtmlBody = email.Html }.ToMessageBody(),
        };
        message.From.Add(_from);
        message.To.Add(to);
        // List-Unsubscribe, List-Unsubscribe-Post and the like; MimeKit encodes the values, so none can add a field.
        foreach (var (name, value) in email.Headers ?? new Dictionary<string, string>()) message.Headers.Add(name, value);
        return message;
    }

    /// <summary>Called under the gate: sends on the kept connection, once more on a new one if the kept one turns out dead.</summary>
    private async Task<DeliveryResult> SendOnKeptConnectionAsync(
        MimeMessage message, MailboxAddress to, Func<string, string> maskRecipient, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.Timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var stage = "connect";
        async Task SendOnceAsync()
        {
            stage = "connect";
            var client = await ConnectedClientAsync(linked.Token).ConfigureAwait(false);
            stage = "send";
            timeout.CancelAfter(_options.Timeout);
            await client.SendAsync(message, _from, [to], linked.Token).ConfigureAwait(false);
        }

        try
        {
            var reused = _client is { IsConnected: true };
            try
            {
                await SendOnceAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (reused && e is ServiceNotConnectedException or IOException or SmtpProtocolException)
            {
                // The server closed the kept connection while it was idle: send on a new one.
                Drop();
                await SendOnceAsync().ConfigureAwait(false);
            }
            return new DeliveryResult.Sent($"<{message.MessageId}>");
        }
        catch (SmtpCommandException e)
        {
            // A refusal leaves the connection usable (MailKit resets the transaction), unless the server is closing it.
            if (_client is not { IsConnected: true } || e.StatusCode == SmtpStatusCode.ServiceNotAvailable) Drop();
            return Refused(e, stage, maskRecipient);
        }
        catch (Exception e)
        {
            Drop();
            if (Failure(e, stage, maskRecipient, cancellationToken) is { } failure) return failure;
            throw;
        }
    }

    private async Task<SmtpClient> ConnectedClientAsync(CancellationToken cancellationToken)
    {
        if (_client is { IsConnected: true } kept) return kept;
        Drop();
        var client = new SmtpClient
        {
            LocalDomain = _options.ClientDomain,
            Timeout = (int)_options.Timeout.TotalMilliseconds,
            ServerCertificateValidationCallback = _options.ServerCertificateValidation,
        };
        _client = client;
        await client.ConnectAsync(_options.Host, _options.Port, _options.Security, cancellationToken).ConfigureAwait(false);
        if (_options.User is { Length: > 0 } user) await client.AuthenticateAsync(user, _options.Password ?? "", cancellationToken).ConfigureAwait(false);
        return client;
    }

    /// <summary>
    /// The server said no. 4xx: try again later. 5xx: permanent; a refused recipient (550, 551, 553) means the
    /// mailbox does not exist, unless an enhanced status code says the refusal is about something else (5.7.1 policy).
    /// </summary>
    private static DeliveryResult Refused(SmtpCommandException e, string stage, Func<string, string> maskRecipient)
    {
        var code = (int)e.StatusCode;
        var text = maskRecipient(e.Message);
        if (text.Length > MaxReasonLength) text = text[..MaxReasonLength] + "...";
        var reason = $"{stage}: the server answered {code} {text}".TrimEnd();
        if (code is < 500 or >= 600) return new DeliveryResult.TransientFailure(reason);
        var mailboxUnknown = e.ErrorCode == SmtpErrorCode.RecipientNotAccepted
            && code is 550 or 551 or 553
            && EnhancedStatusSubject(e.Message) is null or 1;
        return new DeliveryResult.PermanentFailure(reason, ContactInvalid: mailboxUnknown);
    }

    /// <summary>The subject of an RFC 3463 enhanced status code at the start of the reply text ("5.1.1 ..." is 1).</summary>
    private static int? EnhancedStatusSubject(string text)
    {
        var parts = text.Split(' ', 2)[0].Split('.');
        return parts.Length == 3 && parts[0] is "2" or "4" or "5" && int.TryParse(parts[1], out var subject) ? subject : null;
    }

    /// <summary>No answer, or one that is not SMTP; null for an exception that is none of these.</summary>
    private DeliveryResult? Failure(Exception e, string stage, Func<string, string> maskRecipient, CancellationToken cancellationToken) => e switch
    {
        OperationCanceledException when !cancellationToken.IsCancellationRequested =>
            new DeliveryResult.TransientFailure($"{stage}: no answer from {_options.Host}:{_options.Port} within {_options.Timeout}."),
        // Settings to fix, not something a retry cures: a certificate that does not validate, STARTTLS not offered, credentials refused.
        SslHandshakeException => new DeliveryResult.PermanentFailure($"{stage}: TLS handshake with {_options.Host} failed: {e.Message}", ContactInvalid: false),
        NotSupportedException => new DeliveryResult.PermanentFailure($"{stage}: {e.Message} Nothing was sent.", ContactInvalid: false),
        AuthenticationException => new DeliveryResult.PermanentFailure($"{stage}: AUTH refused: {e.Message}", ContactInvalid: false),
        SocketException or IOException or SmtpProtocolException or ServiceNotConnectedException or TimeoutException =>
            new DeliveryResult.TransientFailure($"{stage}: {_options.Host}:{_options.Port}: {maskRecipient(e.Message)}"),
        _ => null,
    };

    private void Drop()
    {
        _client?.Dispose();
        _client = null;
    }

    /// <summary>Says QUIT on the kept connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_client is { IsConnected: true } client)
        {
            try
            {
                using var timeout = new CancellationTokenSource(_options.Timeout);
                await client.DisconnectAsync(quit: true, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SmtpProtocolException or SmtpCommandException)
            {
                // The server may already be gone; the connection is closed either way.
            }
        }
        Dispose();
    }

    public void Dispose()
    {
        Drop();
        _connectionGate.Dispose();
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Email to {MaskedTo} accepted by {Host}:{Port} as {MessageId}")]
    private partial void LogSent(string maskedTo, string host, int port, string messageId);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Email to {MaskedTo} via {Host}:{Port} failed, to be retried: {Reason}")]
    private partial void LogTransientFailure(string maskedTo, string host, int port, string reason);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Email to {MaskedTo} via {Host}:{Port} refused for good (contact invalid: {ContactInvalid}): {Reason}")]
    private partial void LogPermanentFailure(string maskedTo, string host, int port, bool contactInvalid, string reason);
}
