using Mediation.Common;
using Mediation.Hosting;

namespace Mediation.Security;

/// <summary>What every password must be, whoever sets it: an admin, the user, the bootstrap setting or the command line.</summary>
public static class PasswordPolicy
{
    public const int MinimumLength = 10;
    public const int MaximumLength = 256;

    /// <summary>Why the password is not acceptable, or null when it is.</summary>
    public static FieldMessage? Problem(string? password) =>
        password is null ? FieldMessage.Required
        : password.Length is < MinimumLength or > MaximumLength ? FieldMessage.PasswordLength(MinimumLength, MaximumLength)
        : null;

    public static Validation Password(this Validation check, string? password, string field) =>
        Problem(password) is { } problem ? check.Add(field, problem) : check;
}
