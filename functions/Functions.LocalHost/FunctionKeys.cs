using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Functions.LocalHost;

/// <summary>
/// Checks the key of a request as the Functions host does: header <c>x-functions-key</c>, else query <c>code</c>.
/// Keys are compared as SHA-256 hashes in fixed time, against every configured key, so that neither the length
/// nor the content of a near miss shows in the timing.
/// </summary>
internal sealed class FunctionKeys(IOptions<LocalFunctionsHostOptions> options)
{
    public const string HeaderName = "x-functions-key";

    private readonly byte[][] _hashes = [.. options.Value.Keys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => Hash(k.Trim()))];

    public bool IsAuthorized(HttpRequest request)
    {
        var presented = request.Headers[HeaderName].FirstOrDefault();
        if (string.IsNullOrEmpty(presented)) presented = request.Query["code"].FirstOrDefault();
        if (string.IsNullOrEmpty(presented)) return false;
        var hash = Hash(presented);
        var match = false;
        foreach (var key in _hashes) match |= CryptographicOperations.FixedTimeEquals(hash, key);
        return match;
    }

    /// <summary>The host's answer to a missing or wrong key, as problem details.</summary>
    public static IResult Unauthorized() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized.",
            detail: "A valid admin key is required in the x-functions-key header.");

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
