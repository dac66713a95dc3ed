"""The funnels that ship: "Sales", "B2B project" and, for simple products sold in a few
conversations, "Simple sale"."""

from __future__ import annotations

from domain.funnels.model import FunnelTemplate, StageGroup, StageSpec

_M, _S, _P, _V = StageGroup.MARKETING, StageGroup.SALE, StageGroup.PAPERWORK, StageGroup.SERVICE

TEMPLATE_NAMES: dict[FunnelTemplate, str] = {
    FunnelTemplate.SALES: "Продажи",
    FunnelTemplate.B2B_PROJECT: "B2B-проект",
    FunnelTemplate.SIMPLE_SALE: "Простая продажа",
}

TEMPLATES: dict[FunnelTemplate, tuple[StageSpec, ...]] = {
    FunnelTemplate.SALES: (
        StageSpec(
            name="Заявка",
            probability=0,
            group=_M,
            max_days=2,
            expected_result="Заявка квалифицирована, назначена встреча",
        ),
        StageSpec(
            name="Встреча",
            probability=10,
            group=_S,
            max_days=7,
            expected_result="Потребность выявлена, ЛПР известен",
        ),
        StageSpec(
            name="Рассмотрение КП",
            probability=20,
            group=_S,
            max_days=10,
            expected_result="Клиент изучил коммерческое предложение",
        ),
        StageSpec(
            name="Переговоры",
            probability=40,
            group=_S,
            max_days=14,
            expected_result="Условия согласованы",
            required_fields=("amount",),
        ),
        StageSpec(
            name="Договор",
            probability=60,
            group=_P,
            max_days=10,
            expected_result="Договор подписан",
            required_documents=("contract",),
        ),
        StageSpec(
            name="Договор и счёт",
            probability=70,
            group=_P,
            max_days=5,
            expected_result="Счёт выставлен",
            required_documents=("invoice",),
        ),
        StageSpec(
            name="Оплата", probability=80, group=_P, max_days=14, expected_result="Оплата получена"
        ),
        StageSpec(
            name="Исполнение",
            probability=90,
            group=_V,
            max_days=30,
            expected_result="Работы выполнены",
        ),
        StageSpec(
            name="Закрывающие документы",
            probability=100,
            group=_P,
            max_days=14,
            expected_result="Акт подписан",
        ),
    ),
    FunnelTemplate.B2B_PROJECT: (
        StageSpec(
            name="Брифинг",
            probability=5,
            group=_M,
            max_days=7,
            expected_result="Бриф заполнен, задача понятна",
        ),
        StageSpec(
            name="Оценка",
            probability=15,
            group=_S,
            max_days=10,
            expected_result="Смета и сроки отправлены клиенту",
            required_fields=("amount",),
        ),
        StageSpec(
            name="Ожидание решения",
            probability=30,
            group=_S,
            max_days=21,
            expected_result="Клиент принял решение",
        ),
        StageSpec(
            name="Договор подписан",
            probability=60,
            group=_P,
            max_days=7,
            expected_result="Договор подписан обеими сторонами",
            required_documents=("contract",),
        ),
        StageSpec(
            name="Отложено",
            probability=20,
            group=_S,
            max_days=60,
            expected_result="Согласована дата возврата к проекту",
        ),
        StageSpec(
            name="В работе", probability=75, group=_V, max_days=90, expected_result="Проект сдан"
        ),
        StageSpec(
            name="Финальный счёт",
            probability=90,
            group=_P,
            max_days=14,
            expected_result="Финальный счёт оплачен",
            required_documents=("invoice",),
        ),
        StageSpec(
            name="Гарантия",
            probability=95,
            group=_V,
            max_days=180,
            expected_result="Гарантийный период прошёл без претензий",
        ),
        StageSpec(
            name="Закрыт",
            probability=100,
            group=_P,
            max_days=None,
            expected_result="Закрывающие документы подписаны",
            required_documents=("act",),
        ),
    ),
    FunnelTemplate.SIMPLE_SALE: (
        StageSpec(
            name="Контакт",
            probability=10,
            group=_M,
            max_days=2,
            expected_result="Связались с клиентом, он готов обсудить покупку",
        ),
        StageSpec(
            name="Потребности",
            probability=25,
            group=_S,
            max_days=3,
            expected_result="Понятно, что нужно клиенту, в какой срок и за какие деньги",
        ),
        StageSpec(
            name="Презентация",
            probability=50,
            group=_S,
            max_days=5,
            expected_result="Клиент увидел товар и знает цену",
            required_fields=("amount",),
        ),
        StageSpec(
            name="Возражения",
            probability=70,
            group=_S,
            max_days=5,
            expected_result="Сомнения клиента сняты",
        ),
        StageSpec(
            name="Закрытие",
            probability=90,
            group=_S,
            max_days=3,
            expected_result="Клиент подтвердил покупку; остаётся оплата",
        ),
    ),
}
