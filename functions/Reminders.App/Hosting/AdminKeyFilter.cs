using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Reminders.App.Hosting;

/// <summary>Admin-level functions need one of Admin__Keys in x-functions-key or ?code=, as in Azure Functions.</summary>
public sealed class AdminKeyFilter(IOptionsMonitor<AdminOptions> options) : IEndpointFilter
{
    public const string HeaderName = "x-functions-key";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        IsAuthorized(context.HttpContext.Request)
            ? next(context)
            : ValueTask.FromResult<object?>(Problems.Unauthorized("A valid admin key is required in the x-functions-key header."));

    public bool IsAuthorized(HttpRequest request)
    {
        var presented = request.Headers[HeaderName].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();
        if (string.IsNullOrEmpty(presented)) return false;
        var presentedBytes = Encoding.UTF8.GetBytes(presented);
        var match = false;
        foreach (var key in options.CurrentValue.KeyList)
        {
            // Compare with every key, in constant time, so timing tells nothing about which came close.
            match |= CryptographicOperations.FixedTimeEquals(presentedBytes, Encoding.UTF8.GetBytes(key));
        }
        return match;
    }
}
