using System.Diagnostics.CodeAnalysis;

namespace Reminders.Storage;

/// <summary>How message text is stored in the queue.</summary>
public enum QueueMessageEncoding
{
    /// <summary>Base64 of the UTF-8 bytes, as the Functions host writes and reads queue messages.</summary>
    Base64,

    /// <summary>The text itself (XML-escaped on the wire).</summary>
    None,
}

public sealed record QueueItem(string Name);

public sealed record QueueProperties(int ApproximateMessagesCount);

public sealed record SendReceipt(
    string MessageId,
    string PopReceipt,
    DateTimeOffset InsertionTime,
    DateTimeOffset ExpirationTime,
    DateTimeOffset TimeNextVisible);

public sealed record UpdateReceipt(string PopReceipt, DateTimeOffset NextVisibleOn);

/// <summary>
/// A received message. <see cref="RawText"/> is the text as stored in the queue; <see cref="MessageText"/>
/// is it decoded per the client's <see cref="QueueMessageEncoding"/>, or null when the stored text is not
/// valid for that encoding (the Functions host sends such a message to the poison queue).
/// </summary>
public sealed record QueueMessage(
    string MessageId,
    string PopReceipt,
    string RawText,
    string? MessageText,
    long DequeueCount,
    DateTimeOffset InsertedOn,
    DateTimeOffset ExpiresOn,
    DateTimeOffset NextVisibleOn)
{
    public bool HasValidEncoding => MessageText is not null;

    public bool TryGetText([NotNullWhen(true)] out string? text)
    {
        text = MessageText;
        return text is not null;
    }
}

/// <summary>A message seen by Peek: no pop receipt, the dequeue count unchanged. <see cref="MessageText"/> as in <see cref="QueueMessage"/>.</summary>
public sealed record PeekedMessage(
    string MessageId,
    string RawText,
    string? MessageText,
    long DequeueCount,
    DateTimeOffset InsertedOn,
    DateTimeOffset ExpiresOn)
{
    public bool HasValidEncoding => MessageText is not null;
}
