using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Reminders.Core.Orders;

/// <summary>
/// Turns a webhook body into an <see cref="OrderEvent"/>, or into the list of fields the sender got wrong.
/// </summary>
/// <remarks>
/// <para>The body is UTF-8 JSON: <c>{"type": "...", "timestamp": "...", "data": {...}}</c>. The <c>webhook-id</c>
/// header (1 to 256 printable ASCII characters) is the event's id. Every value must have the JSON type shown:
/// a number where a string is expected is an error naming the field. A field sent as <c>null</c> counts as absent.
/// Fields not listed here are ignored. Duplicate property names make the body invalid.</para>
/// <list type="table">
/// <listheader><term>field</term><description>rule</description></listheader>
/// <item><term><c>type</c></term><description>required string. <c>order.created</c>, <c>order.shipped</c>,
/// <c>order.delivered</c>, <c>order.receipt_confirmed</c>, <c>order.cancelled</c> are accepted on
/// <c>/api/webhooks/orders</c> only; <c>payment.succeeded</c>, <c>payment.failed</c>, <c>refund.requested</c>,
/// <c>refund.completed</c>, <c>refund.failed</c>, <c>settlement.completed</c> on <c>/api/webhooks/payments</c> only.
/// Any other type, in a body that is otherwise a valid envelope, is acknowledged and ignored.</description></item>
/// <item><term><c>timestamp</c></term><description>required; when the event happened, ISO 8601 / RFC 3339 with an
/// offset: <c>2026-01-05T12:00:00Z</c>, <c>2026-01-05T20:00:00.123+08:00</c>.</description></item>
/// <item><term><c>data</c></term><description>required object.</description></item>
/// <item><term><c>data.orderId</c></term><description>required on every event: 1 to 64 characters of
/// <c>A-Z a-z 0-9 . _ : -</c>.</description></item>
/// <item><term><c>data.merchantId</c></term><description>same rule; required on <c>order.created</c>, optional
/// elsewhere.</description></item>
/// <item><term><c>data.buyer</c></term><description>object, required on <c>order.created</c>, optional elsewhere;
/// when present it is a full snapshot of the buyer and replaces the one held if its event is newer.</description></item>
/// <item><term><c>data.buyer.id</c></term><description>required, same rule as <c>orderId</c>.</description></item>
/// <item><term><c>data.buyer.phone</c></term><description>E.164: <c>+</c> then 7 to 15 digits, the first not 0.</description></item>
/// <item><term><c>data.buyer.email</c></term><description>an address of at most 254 characters (ASCII, domain with a dot).</description></item>
/// <item><term><c>data.buyer.pushToken</c></term><description>1 to 4096 printable ASCII characters.</description></item>
/// <item><term></term><description>at least one of <c>phone</c>, <c>email</c>, <c>pushToken</c>.</description></item>
/// <item><term><c>data.buyer.locale</c></term><description>BCP 47 tag such as <c>zh-CN</c>, <c>en</c>, <c>zh-Hans-CN</c>.</description></item>
/// <item><term><c>data.buyer.timeZone</c></term><description>IANA zone name known to the system, such as <c>Asia/Shanghai</c>.</description></item>
/// <item><term><c>data.amount</c></term><description>optional object <c>{"value": "199.00", "currency": "CNY"}</c>:
/// <c>value</c> a decimal string, non-negative, at most 18 digits of which at most 4 after the point;
/// <c>currency</c> an ISO 4217 code in circulation, upper case. On order events it is the order's amount; on
/// payment and refund events the amount paid or refunded.</description></item>
/// <item><term><c>data.payLater.dueAt</c></term><description>pay-later (先用后付) orders: required inside an optional
/// <c>payLater</c> object, a timestamp as above.</description></item>
/// <item><term><c>data.paymentId</c></term><description>optional, 1 to 128 characters of the <c>orderId</c> set.</description></item>
/// <item><term><c>data.refundId</c></term><description><c>refund.*</c>: optional, same rule as <c>paymentId</c>.</description></item>
/// <item><term><c>data.reason</c></term><description><c>payment.failed</c>: required, 1 to 200 characters without
/// control characters; one of <c>insufficient_funds</c>, <c>card_declined</c>, <c>expired_card</c>,
/// <c>authentication_required</c>, <c>processing_error</c>, or free text.</description></item>
/// <item><term><c>data.retryUrl</c></term><description><c>payment.failed</c>: optional absolute <c>https</c> URL of at
/// most 2048 characters, without user information (<c>user:password@</c>).</description></item>
/// </list>
/// </remarks>
public static partial class OrderEventParser
{
    private const int MaxTypeLength = 100;
    private const int MaxWebhookIdLength = 256;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = 16,
        AllowDuplicateProperties = false,
    };

    /// <summary>Parses and validates one webhook. Never throws for anything the sender sent.</summary>
    public static OrderEventParseResult Parse(ReadOnlyMemory<byte> body, string? webhookId, WebhookSource source)
    {
        var errors = new List<FieldError>();
        var eventId = ReadWebhookId(webhookId, errors);

        if (body.Span.StartsWith("\uFEFF"u8)) body = body[3..];
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            errors.Add(new FieldError("body", "is not valid UTF-8."));
            return new OrderEventParseResult.Invalid(errors);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException)
        {
            errors.Add(new FieldError("body", "is not valid JSON."));
            return new OrderEventParseResult.Invalid(errors);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new FieldError("body", "must be a JSON object."));
                return new OrderEventParseResult.Invalid(errors);
            }
            return ParseEnvelope(root, eventId, source, errors);
        }
    }

    private static OrderEventParseResult ParseEnvelope(JsonElement root, string? eventId, WebhookSource source, List<FieldError> errors)
    {
        var typeName = ReadString(root, "type", "type", required: true, errors);
        if (typeName is not null && (string.IsNullOrWhiteSpace(typeName) || typeName.Length > MaxTypeLength || typeName.Any(char.IsControl)))
        {
            errors.Add(new FieldError("type", $"must be 1 to {MaxTypeLength} characters without control characters."));
            typeName = null;
        }
        var occurredAt = ReadTimestamp(root, "timestamp", "timestamp", required: true, errors);
        var data = ReadObject(root, "data", "data", required: true, errors);

        OrderEventType type = default;
        var known = typeName is not null && OrderEventTypes.TryParse(typeName, out type);
        if (typeName is not null && !known)
        {
            var unknownOrderId = data is { } d ? ReadId(d, "orderId", "data.orderId", required: false, errors) : null;
            return errors.Count > 0 || eventId is null || occurredAt is null
                ? new OrderEventParseResult.Invalid(errors)
                : new OrderEventParseResult.Ignored(eventId, typeName, occurredAt.Value, unknownOrderId);
        }
        if (known && type.SourceOf() != source)
        {
            errors.Add(new FieldError("type",
                $"{type.ToWire()} is not accepted here; send it to /api/webhooks/{(type.SourceOf() == WebhookSource.Orders ? "orders" : "payments")}."));
        }

        OrderEvent? parsed = data is { } body ? ParseData(body, known ? type : null, errors) : null;
        if (errors.Count > 0 || parsed is null || eventId is null || occurredAt is null)
        {
            return new OrderEventParseResult.Invalid(errors);
        }
        return new OrderEventParseResult.Accepted(parsed with { EventId = eventId, Type = type, OccurredAt = occurredAt.Value });
    }

    // Reads data.* into an event whose id, type and time the caller fills in. With an unusable type only the
    // fields common to every event are checked, so the sender still learns about them.
    private static OrderEvent? ParseData(JsonElement data, OrderEventType? type, List<FieldError> errors)
    {
        var isCreated = type == OrderEventType.OrderCreated;
        var orderId = ReadId(data, "orderId", "data.orderId", required: true, errors);
        var merchantId = ReadId(data, "merchantId", "data.merchantId", required: isCreated, errors);
        var buyer = ReadBuyer(data, required: isCreated, errors);
        var amount = ReadMoney(data, "amount", "data.amount", errors);
        var payLaterDueAt = ReadPayLater(data, errors);
        var paymentId = ReadId(data, "paymentId", "data.paymentId", required: false, errors, maxLength: 128);

        string? refundId = null;
        if (type is OrderEventType.RefundRequested or OrderEventType.RefundCompleted or OrderEventType.RefundFailed)
        {
            refundId = ReadId(data, "refundId", "data.refundId", required: false, errors, maxLength: 128);
        }

        string? reason = null, retryUrl = null;
        if (type == OrderEventType.PaymentFailed)
        {
            reason = ReadString(data, "reason", "data.reason", required: true, errors);
            if (reason is not null && (reason.Length > 200 || reason.Any(char.IsControl) || string.IsNullOrWhiteSpace(reason)))
            {
                errors.Add(new FieldError("data.reason", "must be 1 to 200 characters without control characters."));
            }
            retryUrl = ReadString(data, "retryUrl", "data.retryUrl", required: false, errors);
            if (retryUrl is not null && !IsHttpsUrl(retryUrl))
            {
                errors.Add(new FieldError("data.retryUrl", "must be an absolute https URL of at most 2048 characters, without a user name or password."));
            }
        }

        if (orderId is null) return null;
        return new OrderEvent("", default, default, orderId)
        {
            MerchantId = merchantId,
            Buyer = buyer,
            Amount = amount,
            PayLaterDueAt = payLaterDueAt,
            PaymentId = paymentId,
            RefundId = refundId,
            FailureReason = reason,
            RetryUrl = retryUrl,
        };
    }

    private static BuyerDetails? ReadBuyer(JsonElement data, bool required, List<FieldError> errors)
    {
        if (ReadObject(data, "buyer", "data.buyer", required, errors) is not { } buyer) return null;
        var errorsBefore = errors.Count;

        var id = ReadId(buyer, "id", "data.buyer.id", required: true, errors);

        var phone = ReadString(buyer, "phone", "data.buyer.phone", required: false, errors);
        if (phone is not null && !PhonePattern().IsMatch(phone))
        {
            errors.Add(new FieldError("data.buyer.phone", "must be an E.164 number: + and 7 to 15 digits, such as +8613800138000."));
        }

        var email = ReadString(buyer, "email", "data.buyer.email", required: false, errors);
        if (email is not null && !IsEmail(email))
        {
            errors.Add(new FieldError("data.buyer.email", "must be an email address of at most 254 characters."));
        }

        var pushToken = ReadString(buyer, "pushToken", "data.buyer.pushToken", required: false, errors);
        if (pushToken is not null && (pushToken.Length is 0 or > 4096 || !pushToken.All(c => c is >= '!' and <= '~')))
        {
            errors.Add(new FieldError("data.buyer.pushToken", "must be 1 to 4096 printable ASCII characters."));
        }

        if (phone is null && email is null && pushToken is null)
        {
            errors.Add(new FieldError("data.buyer", "needs at least one of phone, email or pushToken."));
        }

        var locale = ReadString(buyer, "locale", "data.buyer.locale", required: false, errors);
        if (locale is not null && !LocalePattern().IsMatch(locale))
        {
            errors.Add(new FieldError("data.buyer.locale", "must be a BCP 47 language tag such as zh-CN or en."));
        }

        var timeZone = ReadString(buyer, "timeZone", "data.buyer.timeZone", required: false, errors);
        if (timeZone is not null && !IsIanaTimeZone(timeZone))
        {
            errors.Add(new FieldError("data.buyer.timeZone", "must be an IANA time zone name such as Asia/Shanghai."));
        }

        if (id is null || errors.Count > errorsBefore) return null;
        return new BuyerDetails(id) { Phone = phone, Email = email, PushToken = pushToken, Locale = locale, TimeZone = timeZone };
    }

    private static Money? ReadMoney(JsonElement parent, string name, string path, List<FieldError> errors)
    {
        if (ReadObject(parent, name, path, required: false, errors) is not { } amount) return null;

        var text = ReadString(amount, "value", path + ".value", required: true, errors);
        decimal? value = null;
        if (text is not null)
        {
            var match = AmountPattern().Match(text);
            if (text.StartsWith('-'))
            {
                errors.Add(new FieldError(path + ".value", "must not be negative."));
            }
            else if (!match.Success)
            {
                errors.Add(new FieldError(path + ".value", "must be a decimal string such as \"199.00\", with at most 4 digits after the point."));
            }
            else if (match.Groups["int"].Length + match.Groups["frac"].Length > 18)
            {
                errors.Add(new FieldError(path + ".value", "must have at most 18 digits."));
            }
            else
            {
                value = decimal.Parse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            }
        }

        var currency = ReadString(amount, "currency", path + ".currency", required: true, errors);
        if (currency is not null && !CurrencyCodes.IsKnown(currency))
        {
            errors.Add(new FieldError(path + ".currency", "must be an ISO 4217 currency code in upper case, such as CNY."));
            currency = null;
        }

        return value is { } v && currency is not null ? new Money(v, currency) : null;
    }

    private static DateTimeOffset? ReadPayLater(JsonElement data, List<FieldError> errors)
    {
        if (ReadObject(data, "payLater", "data.payLater", required: false, errors) is not { } payLater) return null;
        return ReadTimestamp(payLater, "dueAt", "data.payLater.dueAt", required: true, errors);
    }

    private static string? ReadWebhookId(string? webhookId, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(webhookId))
        {
            errors.Add(new FieldError("webhook-id", "is required."));
            return null;
        }
        if (webhookId.Length > MaxWebhookIdLength || !webhookId.All(c => c is >= '!' and <= '~'))
        {
            errors.Add(new FieldError("webhook-id", $"must be 1 to {MaxWebhookIdLength} printable ASCII characters."));
            return null;
        }
        return webhookId;
    }

    private static JsonElement? ReadObject(JsonElement parent, string name, string path, bool required, List<FieldError> errors)
    {
        if (!TryGetValue(parent, name, path, required, errors, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Object) return value;
        errors.Add(new FieldError(path, "must be an object."));
        return null;
    }

    private static string? ReadString(JsonElement parent, string name, string path, bool required, List<FieldError> errors)
    {
        if (!TryGetValue(parent, name, path, required, errors, out var value)) return null;
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        errors.Add(new FieldError(path, "must be a string."));
        return null;
    }

    private static string? ReadId(JsonElement parent, string name, string path, bool required, List<FieldError> errors, int maxLength = 64)
    {
        var id = ReadString(parent, name, path, required, errors);
        if (id is null) return null;
        if (id.Length >= 1 && id.Length <= maxLength && id.All(IsIdCharacter)) return id;
        errors.Add(new FieldError(path, $"must be 1 to {maxLength} characters of A-Z, a-z, 0-9, '.', '_', ':' and '-'."));
        return null;
    }

    private static DateTimeOffset? ReadTimestamp(JsonElement parent, string name, string path, bool required, List<FieldError> errors)
    {
        var text = ReadString(parent, name, path, required, errors);
        if (text is null) return null;
        if (TryParseTimestamp(text, out var timestamp)) return timestamp;
        errors.Add(new FieldError(path, "must be an ISO 8601 date and time with an offset, such as 2026-01-05T12:00:00Z."));
        return null;
    }

    private static bool TryGetValue(JsonElement parent, string name, string path, bool required, List<FieldError> errors, out JsonElement value)
    {
        if (parent.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null) return true;
        if (required) errors.Add(new FieldError(path, "is required."));
        return false;
    }

    /// <summary>RFC 3339: <c>yyyy-MM-ddTHH:mm:ss[.fraction](Z|±hh:mm)</c>. More than 7 fraction digits are cut off.</summary>
    public static bool TryParseTimestamp(string text, out DateTimeOffset timestamp)
    {
        timestamp = default;
        var match = TimestampPattern().Match(text);
        if (!match.Success) return false;
        var fraction = match.Groups["frac"].Value;
        var normalized = match.Groups["main"].Value
            + (fraction.Length > 0 ? "." + fraction[..Math.Min(7, fraction.Length)] : "")
            + (match.Groups["offset"].Value is "Z" or "z" ? "+00:00" : match.Groups["offset"].Value);
        string[] formats = fraction.Length > 0 ? ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz"] : ["yyyy-MM-dd'T'HH:mm:sszzz"];
        return DateTimeOffset.TryParseExact(normalized.Replace('t', 'T'), formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out timestamp);
    }

    /// <summary>The rule for order, merchant and buyer ids: 1 to 64 of A-Z a-z 0-9 . _ : -.</summary>
    public static bool IsValidId(string? id) => id is { Length: >= 1 and <= 64 } && id.All(IsIdCharacter);

    private static bool IsIdCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-';

    private static bool IsEmail(string email) =>
        email.Length <= 254 && email.IndexOf('@') is > 0 and <= 64 && EmailPattern().IsMatch(email);

    private static bool IsIanaTimeZone(string name) =>
        name.Length <= 64
        && IanaNamePattern().IsMatch(name)
        && !name.Contains("..", StringComparison.Ordinal)
        && TimeZoneInfo.TryFindSystemTimeZoneById(name, out _);

    private static bool IsHttpsUrl(string text) =>
        text.Length <= 2048
        && Uri.TryCreate(text, UriKind.Absolute, out var uri)
        && uri.Scheme == Uri.UriSchemeHttps
        && !string.IsNullOrEmpty(uri.Host)
        && uri.UserInfo.Length == 0; // a user name or password would be shown to the buyer in the message

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();

    // The WHATWG "valid email address" rule: ASCII only, dot in the domain required here.
    [GeneratedRegex(@"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$", RegexOptions.CultureInvariant)]
    private static partial Regex LocalePattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex IanaNamePattern();

    [GeneratedRegex(@"^(?<int>0|[1-9][0-9]*)(?:\.(?<frac>[0-9]{1,4}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex AmountPattern();

    [GeneratedRegex(@"^(?<main>[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.(?<frac>[0-9]{1,9}))?(?<offset>[Zz]|[+-][0-9]{2}:[0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex TimestampPattern();
}
