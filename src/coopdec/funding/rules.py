"""Who may do what with calls, applications, reviews, reports and tranches (``rules`` package).

A call belongs to its funder organisation: its editors write, publish and manage it (reviewers,
ranking, decisions, reports, tranches, exports). An application belongs to its applicant: its
editors prepare and submit it and file its reports; its members read it; the editors of the partner
authority it names read it and confirm their participation. A reviewer sees an application's file
only after declaring no conflict of interest, and only the applications assigned to them. Nobody
but the funder's editors sees scores; platform coordinators have no part in a funder's review.

Permissions:
    funding.view_call(call)              published: everyone; draft: the funder's members
    funding.add_call                     editors of an organisation (they publish for one they edit)
    funding.change_call(call)            the funder's editors
    funding.manage_call(call)            the funder's editors (applications, ranking, export, decisions)
    funding.apply(call)                  editors of an organisation, the call published
    funding.view_application(app)        the applicant's members, the partner's editors, the funder's editors
                                         once it is submitted (a draft is the applicant's own)
    funding.change_application(app)      the applicant's editors (plan, submission)
    funding.withdraw_application(app)    the applicant's editors (the service: only before the decision)
    funding.reopen_application(app)      the funder's editors, the application submitted (the service: a
                                         rejection or a declined concept note, within REOPEN_DAYS of its letter)
    funding.confirm_partner(app)         the partner authority's editors
    funding.decide(app)                  the funder's editors (reviewers, decision, award)
    funding.check_eligibility(app)       the applicant's editors, the funder's editors (an unsaved
                                         Application(call=..., organisation=...) for a mere check)
    funding.declare_review(review)       the reviewer (no conflict, or decline)
    funding.score_review(review)         the reviewer, once no conflict is declared
    funding.submit_report(report)        the applicant's editors
    funding.approve_report(report)       the funder's editors
    funding.view_report(report)          the applicant's members, the funder's editors
    funding.release_tranche(tranche)     the funder's editors
"""

import rules

from coopdec.actors.rules import is_editor_of, is_editor_somewhere, is_member_of

from .models import ApplicationStatus, ReviewStatus


def _call(record):
    if record is None:
        return None
    for path in ("call", "application.call"):
        target = record
        for name in path.split("."):
            target = getattr(target, name, None)
            if target is None:
                break
        if target is not None:
            return target
    return record


def _application(record):
    if record is None:
        return None
    return getattr(record, "application", record)


@rules.predicate
def is_funder_editor(user, record):
    call = _call(record)
    return call is not None and is_editor_of(user, call.funder)


@rules.predicate
def is_funder_member(user, record):
    call = _call(record)
    return call is not None and is_member_of(user, call.funder)


@rules.predicate
def is_published_call(user, call):
    return call is None or call.is_published


@rules.predicate
def is_applicant_editor(user, record):
    application = _application(record)
    return application is not None and is_editor_of(user, application.organisation)


@rules.predicate
def is_applicant_member(user, record):
    application = _application(record)
    return application is not None and is_member_of(user, application.organisation)


@rules.predicate
def is_partner_editor(user, application):
    return application is not None and application.partner_id is not None and is_editor_of(user, application.partner)


@rules.predicate
def is_submitted(user, application):
    return application is not None and application.status != ApplicationStatus.DRAFT


@rules.predicate
def is_the_reviewer(user, review):
    return review is not None and user.is_authenticated and review.reviewer_id == user.pk


@rules.predicate
def has_declared_no_conflict(user, review):
    return review is not None and review.status in (ReviewStatus.ACCEPTED, ReviewStatus.DONE)


@rules.predicate
def has_not_declined(user, review):
    return review is not None and review.status != ReviewStatus.DECLINED


rules.add_perm("funding.view_call", is_published_call | is_funder_member)
rules.add_perm("funding.add_call", is_editor_somewhere)
rules.add_perm("funding.change_call", is_funder_editor)
rules.add_perm("funding.manage_call", is_funder_editor)
rules.add_perm("funding.apply", is_editor_somewhere & is_published_call)
rules.add_perm("funding.view_application", is_applicant_member | is_partner_editor | (is_funder_editor & is_submitted))
rules.add_perm("funding.change_application", is_applicant_editor)
rules.add_perm("funding.withdraw_application", is_applicant_editor)
rules.add_perm("funding.reopen_application", is_funder_editor & is_submitted)
rules.add_perm("funding.confirm_partner", is_partner_editor)
rules.add_perm("funding.write_concept", is_applicant_editor)
rules.add_perm("funding.shortlist", is_funder_editor & is_submitted)
rules.add_perm("funding.decide", is_funder_editor)
rules.add_perm("funding.check_eligibility", is_applicant_editor | is_funder_editor)
rules.add_perm("funding.declare_review", is_the_reviewer & has_not_declined)
rules.add_perm("funding.score_review", is_the_reviewer & has_declared_no_conflict)
rules.add_perm("funding.submit_report", is_applicant_editor)
rules.add_perm("funding.approve_report", is_funder_editor)
rules.add_perm("funding.view_report", is_applicant_member | is_funder_editor)
rules.add_perm("funding.release_tranche", is_funder_editor)
