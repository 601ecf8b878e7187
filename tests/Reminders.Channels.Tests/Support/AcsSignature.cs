using System.Globalization;
using System.Security.Cryptography;
using System.Text;

using Reminders.TestSupport;

namespace Reminders.Channels.Tests.Support;

/// <summary>What ACS checks on an access-key request, computed here independently of the sender's signer.</summary>
public static class AcsSignature
{
    public static string NewAccessKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));

    /// <summary>Null when the request is signed correctly and dated within 15 minutes of <paramref name="now"/>, as the service allows; otherwise what is wrong.</summary>
    public static string? Problem(RecordedRequest request, string accessKey, DateTimeOffset now)
    {
        var date = request.Header("x-ms-date");
        if (!DateTimeOffset.TryParseExact(date, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt)
            || (signedAt - now).Duration() > TimeSpan.FromMinutes(15))
        {
            return $"x-ms-date is '{date}'";
        }
        var contentHash = Convert.ToBase64String(SHA256.HashData(request.Body));
        if (request.Header("x-ms-content-sha256") != contentHash) return "x-ms-content-sha256 does not match the body";
        var stringToSign = $"{request.Method}\n{request.RawTarget}\n{date};{request.Header("Host")};{contentHash}";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(accessKey), Encoding.UTF8.GetBytes(stringToSign)));
        var expected = $"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={signature}";
        return request.Header("Authorization") == expected ? null : "the signature does not match";
    }

    public const string DeniedBody = """{"error":{"code":"Denied","message":"Denied by the resource provider."}}""";
}
