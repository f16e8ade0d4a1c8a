namespace Signpost.Core.Maintenance;

/// <summary>A window as an operator enters it: wall-clock times in their own time zone.</summary>
public sealed record MaintenanceRequest(
    DateTime LocalStart,
    DateTime LocalEnd,
    string TimeZone,
    MaintenanceScope Scope,
    Guid? OrganizationId,
    string Message,
    string? Actor);
