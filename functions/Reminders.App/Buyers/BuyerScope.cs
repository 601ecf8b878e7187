using Microsoft.AspNetCore.Http.HttpResults;
using Reminders.App.Hosting;
using Reminders.Core.Orders;

namespace Reminders.App.Buyers;

/// <summary>The merchant an admin request names a buyer of: required unless buyer ids are global (Buyers__GlobalIds).</summary>
public static class BuyerScope
{
    /// <summary>A 400 naming <c>merchantId</c> when it is missing (and needed) or malformed; null when it can be used.</summary>
    public static ProblemHttpResult? Check(BuyerStore buyers, string? merchantId)
    {
        if (merchantId is null)
        {
            return buyers.IdsAreGlobal ? null
                : Problems.BadRequest("merchantId", "is required: buyers are kept per merchant (unless Buyers__GlobalIds is true).");
        }
        return OrderEventParser.IsValidId(merchantId) ? null : Problems.BadRequest("merchantId", "must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
    }
}
