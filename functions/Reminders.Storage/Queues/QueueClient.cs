using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Reminders.Storage;

/// <summary>One storage queue: create and delete it, send, receive, update, peek and delete messages.</summary>
public sealed class QueueClient
{
    public const int MaxMessagesPerReceive = 32;

    /// <summary>The longest visibility timeout the Queue service accepts.</summary>
    public static readonly TimeSpan MaxVisibilityTimeout = TimeSpan.FromDays(7);

    /// <summary>Time to live meaning "never expires".</summary>
    public static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    private readonly HttpPipeline _pipeline;

    public QueueClient(string connectionString, string queueName, StorageClientOptions? options = null, QueueMessageEncoding messageEncoding = QueueMessageEncoding.Base64)
        : this(new QueueServiceClient(connectionString, options, messageEncoding), queueName)
    {
    }

    private QueueClient(QueueServiceClient service, string queueName)
        : this(service.Pipeline, service.Uri, queueName, service.MessageEncoding)
    {
    }

    internal QueueClient(HttpPipeline pipeline, Uri serviceUri, string queueName, QueueMessageEncoding messageEncoding)
    {
        StorageNames.ValidateQueueName(queueName);
        if (!Enum.IsDefined(messageEncoding))
        {
            throw new ArgumentOutOfRangeException(nameof(messageEncoding), messageEncoding, "Unknown queue message encoding.");
        }
        _pipeline = pipeline;
        ServiceUri = serviceUri;
        Name = queueName;
        MessageEncoding = messageEncoding;
        Uri = StorageRest.Combine(serviceUri, queueName);
    }

    public string Name { get; }

    public Uri Uri { get; }

    public QueueMessageEncoding MessageEncoding { get; }

    private Uri ServiceUri { get; }

    private Uri MessagesUri => StorageRest.Combine(ServiceUri, Name, "messages");

    /// <summary>The same queue over the same connection, reading and writing text with another encoding.</summary>
    public QueueClient WithMessageEncoding(QueueMessageEncoding messageEncoding) => new(_pipeline, ServiceUri, Name, messageEncoding);

    /// <summary>Creates the queue; false when it already existed.</summary>
    public async Task<Response<bool>> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        var request = StorageRest.CreateRequest(_pipeline, RequestMethod.Put, Uri);
        var response = await StorageRest.SendAsync(_pipeline, request, cancellationToken, 201, 204, 409).ConfigureAwait(false);
        if (response.Status == 409 && !StorageRest.HasErrorCode(response, "QueueAlreadyExists")) throw new RequestFailedException(response);
        return Response.FromValue(response.Status == 201, response);
    }

    /// <summary>Deletes the queue; false when it did not exist.</summary>
    public async Task<Response<bool>> DeleteIfExistsAsync(CancellationToken cancellationToken = default)
    {
        var request = StorageRest.CreateRequest(_pipeline, RequestMethod.Delete, Uri);
        var response = await StorageRest.SendAsync(_pipeline, request, cancellationToken, 204, 404).ConfigureAwait(false);
        return Response.FromValue(response.Status == 204, response);
    }

    public async Task<Response<QueueProperties>> GetPropertiesAsync(CancellationToken cancellationToken = default)
    {
        var request = StorageRest.CreateRequest(_pipeline, RequestMethod.Get, Uri, ("comp", "metadata"));
        var response = await StorageRest.SendAsync(_pipeline, request, cancellationToken, 200).ConfigureAwait(false);
        var count = int.Parse(StorageRest.RequiredHeader(response, "x-ms-approximate-messages-count"), CultureInfo.InvariantCulture);
        return Response.FromValue(new QueueProperties(count), response);
    }

    /// <summary>
    /// Put Message. <paramref name="visibilityTimeout"/> (0 to 7 days, default 0) delays the first delivery;
    /// <paramref name="timeToLive"/> defaults to 7 days, <see cref="NeverExpires"/> (-1 s) keeps the message until deleted.
    /// </summary>
    public async Task<Response<SendReceipt>> SendMessageAsync(
        string messageText, TimeSpan? visibilityTimeout = null, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageText);
        if (visibilityTimeout is { } visibility) CheckVisibility(visibility, TimeSpan.Zero, nameof(visibilityTimeout));
        if (timeToLive is { } ttl)
        {
            if (ttl != NeverExpires && ttl < TimeSpan.FromSeconds(1))
            {
                throw new ArgumentOutOfRangeException(nameof(timeToLive), ttl, "The time to live must be at least 1 second, or -1 second for never.");
            }
            if (ttl != NeverExpires && visibilityTimeout is { } v && v >= ttl)
            {
                throw new ArgumentOutOfRangeException(nameof(visibilityTimeout), v, "The visibility timeout must be shorter than the time to live.");
            }
        }

        var body = QueueMessageCodec.BuildBody(QueueMessageCodec.Encode(messageText, MessageEncoding), Name);
        var request = StorageRest.CreateRequest(_pipeline, RequestMethod.Post, MessagesUri,
            ("visibilitytimeout", visibilityTimeout is { } vt ? StorageRest.Seconds(vt) : null),
            ("messagettl", timeToLive is { } t ? StorageRest.Seconds(t) : null));
        request.Headers.SetValue("Content-Type", "application/xml");
        request.Content = RequestContent.Create(body);
        var response = await StorageRest.SendAsync(_pipeline, request, cancellationToken, 201).ConfigureAwait(false);
        var message = StorageRest.ReadXml(response).Element("QueueMessage")
                      ?? throw new RequestFailedException(response.Status, "The Put Message answer has no <QueueMessage>.");
        return Response.FromValue(new SendReceipt(
            StorageRest.Element(message, "MessageId"),
            StorageRest.Element(message, "PopReceipt"),
            StorageRest.ParseDate(StorageRest.Element(message, "InsertionTime")),
            StorageRest.ParseDate(StorageRest.Element(message, "ExpirationTime")),
            StorageRest.ParseDate(StorageRest.Element(message, "TimeNextVisible"))), response);
    }

    /// <summary>Get Messages: up to <paramref name="maxMessages"/> (1 to 32), hidden for <paramref name="visibilityTimeout"/> (1 s to 7 days, default 30 s).</summary>
    public async Task<Response<QueueMessage[]>> ReceiveMessagesAsync(
        int maxMessages = 1, TimeSpan? visibilityTimeout = null, CancellationToken cancellationToken = default)
    {
        CheckMaxMessages(maxMessages);
        if (visibilityTimeout is { } visibility) CheckVisibility(visibility, TimeSpan.FromSeconds(1), nameof(visibilityTimeout));
        var request = StorageRest.CreateRequest(_pipeline, RequestMethod.Get, MessagesUri,
            ("numofmessages", maxMessages.ToString(CultureInfo.InvariantCulture)),
            ("visibilitytimeout", visibilityTimeout is { } vt ? StorageRest.Seconds(vt) : null));
        var response = await StorageRest.SendAsync(_pipeline, request, cancellationToken, 200).ConfigureAwait(false);
        var messages = StorageRest.ReadXml(response).Elements("QueueMessage").Select(m =>
        {
            var raw = m.Element("MessageText")?.Value ?? "";
            return new QueueMessage(
                StorageRest.Element(m, "MessageId"),
                StorageRest.Element(m, "PopReceipt"),
                raw,
                QueueMessageCodec.Decode(raw, MessageEncoding),
                long.Parse(StorageRest.Element(m, "DequeueCount"), CultureInfo.InvariantCulture),
                StorageRest.ParseDate(StorageRest.Element(m, "InsertionTime")),
                StorageRest.ParseDate(StorageRest.Element(m, "ExpirationTime")),
                StorageRest.ParseDate(StorageRest.Element(m, "TimeNextVisible")));
        }).ToArray();
        return Response.FromValue(messages, response);
    }

    /// <summary>Peek Messages: up to <paramref name="maxMessages"/> (1 to 32) without hiding them or counting a dequeue.</summary>
    public async Task<Response<PeekedMessage[]>> PeekMessagesAsync(int maxMessages = 1, CancellationToken cancellationToken = default)
    {
        CheckMaxMessages(maxMessages);
        var request = StorageRest.CreateRequest(_pipeline, RequestMethod.Get, MessagesUri,
            ("peekonly", "true"),
            ("numofmessages", maxMessages.ToString(CultureInfo.InvariantCulture)));
        var response = await StorageRest.SendAsync(_pipeline, request, cancellationToken, 200).ConfigureAwait(false);
        var messages = StorageRest.ReadXml(response).Elements("QueueMessage").Select(m =>
        {
            var raw = m.Element("MessageText")?.Value ?? "";
            return new PeekedMessage(
                StorageRest.Element(m, "MessageId"),
                raw,
                QueueMessageCodec.Decode(raw, MessageEncoding),
                long.Parse(StorageRest.Element(m, "DequeueCount"), CultureInfo.InvariantCulture),
                StorageRest.ParseDate(StorageRest.Element(m, "InsertionTime")),
                StorageRest.ParseDate(StorageRest.Element(m, "ExpirationTime")));
        }).ToArray();
        return Response.FromValue(messages, response);
    }

    /// <summary>Delete Message. A stale pop receipt fails with 400 PopReceiptMismatch, a gone message with 404 MessageNotFound.</summary>
    public async Task<Response> DeleteMessageAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(popReceipt);
        var request = StorageRest.CreateRequest(_pipeline, RequestMethod.Delete, StorageRest.Combine(ServiceUri, Name, "messages", messageId),
            ("popreceipt", popReceipt));
        return await StorageRest.SendAsync(_pipeline, request, cancellationToken, 204).ConfigureAwait(false);
    }

    /// <summary>
    /// Update Message: hides the message for <paramref name="visibilityTimeout"/> (0 to 7 days) from now and,
    /// unless <paramref name="messageText"/> is null, replaces its text. Returns the new pop receipt.
    /// </summary>
    public async Task<Response<UpdateReceipt>> UpdateMessageAsync(
        string messageId, string popReceipt, string? messageText, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(popReceipt);
        CheckVisibility(visibilityTimeout, TimeSpan.Zero, nameof(visibilityTimeout));
        var request = StorageRest.CreateRequest(_pipeline, RequestMethod.Put, StorageRest.Combine(ServiceUri, Name, "messages", messageId),
            ("popreceipt", popReceipt),
            ("visibilitytimeout", StorageRest.Seconds(visibilityTimeout)));
        if (messageText is not null)
        {
            request.Headers.SetValue("Content-Type", "application/xml");
            request.Content = RequestContent.Create(QueueMessageCodec.BuildBody(QueueMessageCodec.Encode(messageText, MessageEncoding), Name));
        }
        var response = await StorageRest.SendAsync(_pipeline, request, cancellationToken, 204).ConfigureAwait(false);
        return Response.FromValue(new UpdateReceipt(
            StorageRest.RequiredHeader(response, "x-ms-popreceipt"),
            StorageRest.ParseDate(StorageRest.RequiredHeader(response, "x-ms-time-next-visible"))), response);
    }

    /// <summary>Clear Messages: deletes every message in the queue.</summary>
    public async Task<Response> ClearMessagesAsync(CancellationToken cancellationToken = default)
    {
        var request = StorageRest.CreateRequest(_pipeline, RequestMethod.Delete, MessagesUri);
        return await StorageRest.SendAsync(_pipeline, request, cancellationToken, 204).ConfigureAwait(false);
    }

    private static void CheckMaxMessages(int maxMessages)
    {
        if (maxMessages is < 1 or > MaxMessagesPerReceive)
        {
            throw new ArgumentOutOfRangeException(nameof(maxMessages), maxMessages, $"Between 1 and {MaxMessagesPerReceive} messages can be fetched at once.");
        }
    }

    private static void CheckVisibility(TimeSpan value, TimeSpan minimum, string paramName)
    {
        if (value < minimum || value > MaxVisibilityTimeout)
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"The visibility timeout must be between {minimum} and {MaxVisibilityTimeout}.");
        }
    }
}
