using System.ComponentModel.DataAnnotations;

namespace Signpost.Web.Incidents;

/// <summary>Settings under <c>Signpost:Incidents</c>: the escalation queue, its catch-up sweep and the delivery job.</summary>
public sealed class IncidentOptions
{
    public const string Section = "Signpost:Incidents";

    /// <summary>False stops this node's background evaluation and delivery (events are still recorded; another node's sweep picks them up).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Events waiting for evaluation in memory; when full, new events wait for the sweep instead of slowing sign-ins.</summary>
    [Range(100, 1_000_000, ErrorMessage = "Signpost:Incidents:QueueCapacity must be between 100 and 1000000.")]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Seconds between catch-up sweeps over events the live path may have missed (a crash, a full queue, another node).</summary>
    [Range(1, 3600, ErrorMessage = "Signpost:Incidents:SweepIntervalSeconds must be between 1 and 3600.")]
    public int SweepIntervalSeconds { get; set; } = 60;

    /// <summary>Seconds between runs of the job that sends incident emails and webhook deliveries.</summary>
    [Range(1, 3600, ErrorMessage = "Signpost:Incidents:DeliveryIntervalSeconds must be between 1 and 3600.")]
    public int DeliveryIntervalSeconds { get; set; } = 15;

    /// <summary>Platform operators' address for organization-level incidents; <c>Signpost:SupportEmail</c> when empty.</summary>
    [EmailAddress(ErrorMessage = "Signpost:Incidents:OperatorsEmail must be an email address.")]
    public string? OperatorsEmail { get; set; }
}
