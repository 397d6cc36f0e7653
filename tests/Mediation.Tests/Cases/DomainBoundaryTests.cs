using System.Reflection;
using System.Runtime.CompilerServices;
using Mediation.Cases;
using Mediation.Cases.Deadlines;
using Mediation.Cases.Filing;
using Mediation.Common;
using Microsoft.AspNetCore.Http;

namespace Mediation.Tests.Cases;

/// <summary>
/// The case domain (the case, its events, commands, decisions and refusals) knows no HTTP: problem
/// details are made where a refusal is answered, and the runner's HTTP adapter is a file of its own.
/// </summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class DomainBoundaryTests
{
    static readonly Assembly Service = typeof(MediationCase).Assembly;

    static IEnumerable<Type> Implementing(Type contract) =>
        Service.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && contract.IsAssignableFrom(t));

    /// <summary>The types a decision is made of, and the shared ones they use.</summary>
    static IEnumerable<Type> DomainTypes() =>
    [
        typeof(MediationCase), typeof(EscalationStep), typeof(PartyReference),
        typeof(CaseRefusal), .. typeof(CaseRefusal).GetNestedTypes(), typeof(RefusalCode),
        typeof(DecisionContext), typeof(CaseDecision<>), typeof(Guards), typeof(DeadlinePolicy), typeof(DeadlineBreach), typeof(AcceptedFiling),
        typeof(Validation), typeof(ChinaStandardTime),
        .. Implementing(typeof(ICaseEvent)), .. Implementing(typeof(ICaseCommand)),
    ];

    /// <summary>Every type a member of <paramref name="type"/> names: fields, properties, parameters, results, bases, type arguments.</summary>
    static IEnumerable<Type> Named(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        IEnumerable<Type> direct =
        [
            .. type.BaseType is { } b ? [b] : Array.Empty<Type>(),
            .. type.GetFields(all).Select(f => f.FieldType),
            .. type.GetProperties(all).Select(p => p.PropertyType),
            .. type.GetMethods(all).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)),
            .. type.GetConstructors(all).SelectMany(c => c.GetParameters().Select(p => p.ParameterType)),
        ];
        return direct.SelectMany(Unwrap);
    }

    static IEnumerable<Type> Unwrap(Type type) =>
        type.HasElementType ? Unwrap(type.GetElementType()!)
        : type.IsGenericType ? type.GetGenericArguments().SelectMany(Unwrap).Prepend(type.GetGenericTypeDefinition())
        : [type];

    static bool IsHttp(Type type) => type.Namespace is { } ns
        && (ns.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || ns.StartsWith("Wolverine.Http", StringComparison.Ordinal));

    [Fact]
    public void The_case_domain_names_no_http_type()
    {
        var named = DomainTypes().SelectMany(t => Named(t).Where(IsHttp).Select(http => $"{t.Name} names {http.FullName}")).Distinct().ToList();
        named.ShouldBeEmpty();

        // The pure decisions of every command, filing's too.
        var decisions = Service.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.Name == "Decide" && m.DeclaringType!.Namespace!.StartsWith("Mediation.Cases", StringComparison.Ordinal)).ToList();
        decisions.Count.ShouldBeGreaterThan(CaseCommands.All.Count);
        decisions.SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType).SelectMany(Unwrap))
            .Where(IsHttp).ShouldBeEmpty();

        typeof(Validation).Namespace.ShouldBe("Mediation.Common");
        typeof(ChinaStandardTime).Namespace.ShouldBe("Mediation.Common");
    }

    [Fact]
    public void The_runner_takes_no_http_request_and_its_adapter_does()
    {
        typeof(CaseCommandRunner).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .SelectMany(m => m.GetParameters()).Select(p => p.ParameterType)
            .ShouldNotContain(t => t == typeof(HttpContext) || t == typeof(HttpRequest));
        typeof(CaseCommandHttp).GetMethods().Where(m => m.GetParameters().Any(p => p.ParameterType == typeof(HttpContext)))
            .Select(m => m.Name).ShouldBe(["Run", "Execute"], ignoreOrder: true);
        typeof(CaseCommandRunner).GetNestedTypes().Where(t => !typeof(Delegate).IsAssignableFrom(t)).ShouldBeEmpty("result types besides CommandOutcome");
    }

    [Fact]
    public void Every_act_has_a_step_and_anything_else_only_counts_as_recorded()
    {
        var filed = CaseStates.Filed();
        filed.Id.ShouldNotBe(Guid.Empty);
        foreach (var type in Implementing(typeof(ICaseEvent)).Where(t => t != typeof(CaseFiled) && t != typeof(ActCorrected)))
        {
            // The event's contents do not matter here, only that Step has a case for its type.
            var e = (ICaseEvent)RuntimeHelpers.GetUninitializedObject(type);
            filed.Step(e).ShouldNotBeSameAs(filed, type.Name);
        }
        filed.Then(new object()).ShouldBe(filed with { Recorded = filed.Recorded + 1 });
    }
}
