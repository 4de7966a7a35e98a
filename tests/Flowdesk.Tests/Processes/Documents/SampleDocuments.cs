using Flowdesk.Processes.Documents;

namespace Flowdesk.Tests.Processes.Documents;

/// <summary>Documents the tests share: a rich one that uses every part of the format, and the references it needs.</summary>
static class SampleDocuments
{
    public static readonly ProcessReferences References = new(
        new HashSet<string> { "hr", "it", "facilities" },
        new HashSet<string> { "it-identity", "it-desktop", "it-security", "hr-ops", "facilities" },
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "admin", "bob", "alice", "carol" },
        new HashSet<string> { "manager", "requester", "technician", "process-owner" },
        new HashSet<string> { "hr.onboarding", "it.laptop" });

    public const string Onboarding = """
        key: hr.onboarding
        name: { en: New employee onboarding, zh-CN: 新员工入职 }
        desk: hr
        kind: request
        description: { en: "Everything a new colleague needs: account, laptop, badge.", zh-CN: 新同事所需的一切 }
        catalog:
          category: people
          audience: [role:manager, department:Human Resources, group:hr-ops]
          tags: [onboarding, laptop, 入职]
          icon: person-add
          description: { en: Start here when someone joins, zh-CN: 有人入职时从这里开始 }
          typicalTime: { en: 2 business days, zh-CN: 2 个工作日 }
        form:
          - id: employee_name
            type: text
            label: { en: Employee name, zh-CN: 员工姓名 }
            help: { en: As in the contract, zh-CN: 与合同一致 }
            required: true
            min: 2
            max: 100
            pattern: "^[^0-9]+$"
          - id: notes
            type: multiline
            label: Notes
            max: 2000
          - id: headcount
            type: number
            label: { en: Headcount, zh-CN: 人数 }
            min: 1
            max: 10.5
            default: 1
          - id: start_date
            type: date
            label: { en: Start date, zh-CN: 入职日期 }
            required: true
          - id: first_meeting
            type: datetime
            label: First meeting
          - id: needs_laptop
            type: bool
            label: { en: Needs a laptop, zh-CN: 需要笔记本 }
            default: true
          - id: laptop_model
            type: select
            label: { en: Laptop model, zh-CN: 笔记本型号 }
            visibleIf: form.needs_laptop
            requiredIf: form.needs_laptop == true
            options:
              - { value: standard, label: { en: Standard, zh-CN: 标准 } }
              - { value: developer, label: { en: Developer, zh-CN: 开发 } }
          - id: software
            type: multiselect
            label: Software
            max: 3
            options:
              - { value: office, label: Office }
              - { value: "yes", label: Yes-tool }
          - id: manager
            type: person
            label: Manager
            defaultFrom: requester.manager
          - id: team
            type: group
            label: Team
          - id: old_laptop
            type: asset
            label: Laptop to reuse
          - id: contract
            type: attachment
            label: Contract
        states:
          - { id: new, name: { en: New, zh-CN: 新建 }, category: open }
          - { id: awaiting_approval, category: waiting }
          - { id: in_progress, category: open }
          - { id: resolved, category: resolved }
          - { id: closed, category: closed }
          - { id: rejected, category: closed }
        transitions:
          - { from: new, to: awaiting_approval, by: engine }
          - { from: awaiting_approval, to: in_progress, by: engine }
          - { from: awaiting_approval, to: rejected, by: engine }
          - { from: in_progress, to: resolved }
          - { from: resolved, to: closed, by: anyone }
          - { from: resolved, to: in_progress, by: requester }
        approvals:
          - stage: manager
            name: { en: Manager approval, zh-CN: 经理审批 }
            approvers: [requester.manager]
            remindAfter: 1d
          - stage: security
            approvers: [group:it-security]
            rule: any
            when: "form.laptop_model == 'developer'"
          - stage: heads
            approvers: [department.head, person:bob, person:alice]
            rule: all
            remindAfter: 4h
          - stage: board
            approvers: [person:alice, person:bob, person:carol, role:process-owner, cab]
            rule: quorum
            quorum: 2
        tasks:
          - { id: account, title: { en: Create directory account, zh-CN: 创建目录账号 }, group: it-identity, due: 2d }
          - { id: laptop, title: Prepare laptop, group: it-desktop, when: form.needs_laptop, after: [account], due: 3bd }
          - { id: badge, title: Issue badge, desk: facilities, after: [account, laptop] }
        sla: { response: 4h, resolution: 3bd, calendar: cn-mainland }
        group: hr-ops
        category: onboarding
        service: people-services
        changelog: First version
        rules:
          - on: created
            do:
              - { set: { priority: p3, fields.notes: "Created by the process", fields.headcount: 2 } }
              - { assign: hr-ops }
          - on: field_changed:laptop_model
            when: "form.laptop_model == 'developer'"
            do:
              - { addWatcher: bob }
              - { notify: requester.manager, template: laptop-changed }
          - on: state_entered:in_progress
            do:
              - addTask: { id: welcome, title: { en: Welcome lunch, zh-CN: 欢迎午餐 }, desk: hr, due: 30m }
          - on: approval_decided
            when: approval.decision == 'rejected'
            do:
              - { transition: rejected }
          - on: tasks.all_done
            do:
              - { set: { status: resolved } }
              - { notify: requester, template: onboarding-done }
              - { createLinked: it.laptop }
        """;
}
