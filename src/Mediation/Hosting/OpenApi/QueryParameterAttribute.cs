using Microsoft.AspNetCore.Mvc;

namespace Mediation.Hosting;

/// <summary>
/// A query parameter the endpoint takes as text (bound by Wolverine like <see cref="FromQueryAttribute"/>)
/// and parses itself, so that a bad value is answered with the service's own message naming the
/// parameter. The OpenAPI document describes it as the <see cref="Type"/> its text is parsed as (a date,
/// a time, a number, one of an enum's names), with <see cref="Description"/>, and <see cref="Values"/>
/// when only those words are taken.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property)]
public sealed class QueryParameterAttribute(Type type, string description) : FromQueryAttribute
{
    public Type Type { get; } = type;
    public string Description { get; } = description;
    public string[]? Values { get; init; }
}
