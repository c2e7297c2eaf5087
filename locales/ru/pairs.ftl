## Pairs and groups, the mentee's choice, the agreement, the development plan (issue #15)

command-pairs = Пары и группы
command-plan = План развития

# --- the curator's /pairs ------------------------------------------------------------
pairs-choose-programme = <b>Пары и группы.</b> Выберите программу:
pairs-no-programmes = В ваших школах пока нет программ. Создайте программу в разделе «Программы».
pairs-people-title = <b>{ $programme }</b> · этап: { $stage }
pairs-counts = Наставляемых: { $mentees } · наставников: { $mentors } · без пары: { $no_pair } · без согласия: { $no_consent } · пар: { $pairs }
pairs-filter-title = Показаны: { $filter } ({ $count })
pairs-filter-all = Все: { $count }
pairs-filter-no_pair = Без пары: { $count }
pairs-filter-mentees = Наставляемые: { $count }
pairs-filter-mentors = Наставники: { $count }
pairs-filter-no_consent = Без согласия: { $count }
pairs-filter-free = Есть места: { $count }
pairs-filter-full = Мест нет: { $count }
pairs-filter-categories = По категории
pairs-filter-category = { $name }: { $count }
pairs-filter-name-all = все
pairs-filter-name-no_pair = наставляемые без пары
pairs-filter-name-mentees = наставляемые
pairs-filter-name-mentors = наставники
pairs-filter-name-no_consent = без полного согласия
pairs-filter-name-free = наставники со свободными местами
pairs-filter-name-full = наставники без свободных мест
pairs-filter-name-category = категория «{ $name }»
pairs-nobody = Здесь пока никого нет.
pairs-person-label = { $icon } { $name }
pairs-button-pairs = 🤝 Пары и группы ({ $count })
pairs-button-stage = 🧭 Этап программы
pairs-button-contacts-on = 📇 Контакты в парах: видны
pairs-button-contacts-off = 📇 Контакты в парах: скрыты
pairs-button-order = 📄 Приказ о парах
pairs-categories-title = Категории участников (видны только куратору):

pairs-gaps-title = <b>Чего не хватает:</b>
pairs-gaps-none = По этапам всё готово.
pairs-gap-line = { $stage }: { $what }
pairs-gap-no-mentees = нет ни одного наставляемого
pairs-gap-registering = { $count } ещё не закончили регистрацию
pairs-gap-no-mentors = нет ни одного наставника
pairs-gap-no-consent = { $count } без полного согласия
pairs-gap-no-pair = { $count } наставляемых без наставника
pairs-gap-proposed = { $count } пар ждут утверждения
pairs-gap-no-order = { $count } пар без приказа
pairs-gap-not-accepted = { $count } наставников ещё не приняли соглашение
pairs-gap-still-active = { $count } пар ещё работают

# a mentee's card
pairs-mentee-card =
    <b>{ $name }</b> — наставляемый
    Категория: { $category }
    Согласие: { $consent }
    Пара: { $pair }
pairs-mentor-card =
    <b>{ $name }</b> — наставник
    Категория: { $category }
    Согласие: { $consent }
    Берёт наставляемых: { $capacity }, сейчас: { $load }
pairs-consent-complete = оформлено
pairs-consent-incomplete = не оформлено полностью — в пару пока нельзя
pairs-no-category = не указана
pairs-pair-none = нет
pairs-pair-some = есть (№ { $id })
pairs-suggestions-title = <b>Подходящие наставники</b> (лучшие сверху):
pairs-suggestion = <b>{ $name }</b> — { $score } из 100
    { $reasons }
pairs-suggestions-none = В программе пока нет наставников.
pairs-suggestion-label = { $name } · { $score }
pairs-button-pick-by-hand = ✋ Выбрать наставника вручную
pairs-button-offer = 🗳 Предложить 2–3 на выбор
pairs-button-group = 👥 Собрать группу
pairs-button-capacity-less = − место
pairs-button-capacity-more = + место
pairs-pick-mentor = Выберите наставника:
pairs-pick-mentees = Отметьте наставляемых без пары для группы (можно нескольких):
pairs-pick-offer = Отметьте 2 или 3 наставников, из которых наставляемый выберет:
pairs-button-done = Готово
pairs-confirm-propose = Предложить пару: наставник <b>{ $mentor }</b> — { $mentees }?
pairs-button-propose = ✅ Предложить
pairs-proposed = Пара предложена. Участники получат сообщение.
pairs-offered = Кандидаты предложены: { $count }. Наставляемый получит сообщение и выберет.
pairs-hint-choose-offer = Отметьте двух или трёх наставников.
pairs-hint-choose-mentees = Отметьте хотя бы одного наставляемого.

# «✨ Предложения»: the best mentor for every mentee without a pair, proposed together
pairs-button-suggest-all = ✨ Предложения: подобрать всех
pairs-bulk-title = <b>✨ Предложения</b> — лучший наставник для каждого без пары: { $ready } из { $count }.
    Лучшие совпадения подобраны первыми; наставнику предложено не больше людей, чем у него свободных мест. ✅ — предложить одну строку, ✋ — выбрать наставника вручную.
pairs-bulk-line = { $n }. <b>{ $mentee }</b> → { $mentor } · { $score }
    { $reasons }
pairs-bulk-line-none = { $n }. <b>{ $mentee }</b> — у подходящих наставников не осталось мест: выберите вручную (✋).
pairs-bulk-nobody = Все наставляемые с полным согласием уже в парах или выбирают наставника.
pairs-bulk-page = Страница { $page } из { $pages }. «Предложить все» предлагает строки всех страниц.
pairs-button-propose-all = 📨 Предложить все ({ $count })
pairs-button-by-hand-line = ✋ { $n }
pairs-button-to-approve = ▶️ Утвердить предложенные ({ $count })
pairs-bulk-proposed = <b>Предложено пар: { $count }.</b> Участники получили сообщение.
    { $pairs }
    Утвердить их сразу? Пары начнут работу, участникам придут соглашение и контакты.
pairs-bulk-none-proposed = Предложенных отсюда пар, ждущих утверждения, нет.
pairs-button-approve-all = ▶️ Утвердить все ({ $count })
pairs-bulk-activated = Пары работают: { $count }. Участники получили соглашение.

# reasons of a suggestion
pairs-reason-topics = ✓ совпадает запрос: { $topics }
pairs-reason-own-words = запрос своими словами
pairs-reason-ages = ✓ предпочитает возраст { $age }
pairs-reason-times = ✓ удобное время: { $times }
pairs-reason-no_times = ✗ нет общего удобного времени
pairs-reason-capacity = ✓ есть места: { $free } из { $capacity }
pairs-reason-full = ✗ мест нет (берёт { $capacity })
pairs-reason-form = ✓ подходит для формы программы
pairs-reason-none = совпадений не найдено

# pairs
pairs-list-title = <b>Пары и группы</b> программы «{ $programme }»: { $count }
pairs-pair-label = { $icon } { $mentor } — { $mentees }
pairs-status-proposed = предложена
pairs-status-active = работает
pairs-status-completed = завершена
pairs-status-terminated = прекращена
pairs-pair-card =
    <b>{ $kind } № { $id }</b> · { $status }
    Наставник: { $mentor } { $mentor_ok }
    { $mentees_label }: { $mentees }
pairs-kind-pair = Пара
pairs-kind-group = Группа
pairs-mentees-label = Наставляемые
pairs-accepted-mark = (соглашение принято)
pairs-not-accepted-mark = (соглашение не принято)
pairs-order-line = Приказ № { $number } от { $date }
pairs-no-order = Приказа пока нет
pairs-past-mentors = Прежние наставники: { $names }
pairs-ended-line = Итог: { $status }, причина: { $reason }
pairs-plan-progress = План: { $done } из { $total } выполнено, { $in_progress } в работе
pairs-button-activate = ▶️ Утвердить и начать работу
pairs-button-complete = 🏁 Завершить
pairs-button-terminate = ⛔ Прекратить
pairs-button-replace = 🔁 Заменить наставника
pairs-button-open-plan = 📋 План развития
pairs-activated = Пара работает. Участники получили соглашение и контакты.
pairs-ended = Готово: пара { $status }.
pairs-replaced = Наставник заменён; встречи, план и история пары сохранены.
pairs-end-reason-title = Причина:
pairs-end-reason-goal_reached = Цели достигнуты
pairs-end-reason-programme_over = Программа закончилась
pairs-end-reason-mentee_left = Наставляемый выбыл
pairs-end-reason-mentor_left = Наставник выбыл
pairs-end-reason-no_contact = Не получилось наладить контакт
pairs-end-reason-not_working_together = Не сработались
pairs-end-reason-other = Другое (написать)
pairs-end-reason-none = не указана
pairs-end-note-ask = Напишите причину одним сообщением:

# the order
pairs-order-pick = Отметьте пары, которые утверждает приказ:
pairs-order-ask = Напишите номер и дату приказа, например: <code>45-о от 01.10.2026</code>
pairs-order-recorded = Приказ № { $number } от { $date } записан для пар: { $count }.
pairs-order-none = Нет пар, для которых можно записать приказ.

# the stage
pairs-stage-title = Текущий этап: <b>{ $stage }</b>. Этап сдвигается сам, когда появляются пары, и его можно выбрать вручную:
pairs-stage-current = • { $stage }
pairs-stage-moved = Этап программы: { $stage }.

# --- participants ---------------------------------------------------------------------
pairs-menu-button = 🤝 Моя пара
pairs-menu-choice-button = 🗳 Выбрать наставника
pairs-menu-line-mentor = { $young ->
    [yes] 🤝 { $status }: твои наставляемые — { $partner }. { $next }
   *[no] 🤝 { $status }: ваши наставляемые — { $partner }. { $next }
}
pairs-menu-line-mentee = { $young ->
    [yes] 🤝 { $status }: твой наставник — { $partner }. { $next }
   *[no] 🤝 { $status }: ваш наставник — { $partner }. { $next }
}
pairs-menu-choice = { $young ->
    [yes] 🗳 Куратор предложил тебе наставников — выбери одного.
   *[no] 🗳 Куратор предложил вам наставников на выбор.
}
pairs-menu-waiting = { $young ->
    [yes] 📨 Тебя выбрали наставником: { $names }. Ответь в разделе «Моя пара».
   *[no] 📨 Вас выбрали наставником: { $names }. Ответьте в разделе «Моя пара».
}
pairs-next-proposed = Дальше: куратор утвердит пару.
pairs-next-agreement = { $young ->
    [yes] Дальше: прими соглашение о сотрудничестве (в «🤝 Моя пара»).
   *[no] Дальше: примите соглашение о сотрудничестве (в «🤝 Моя пара»).
}
pairs-next-meeting = { $young ->
    [yes] Дальше: договоритесь о первой встрече.
   *[no] Дальше: договоритесь об организационной встрече.
}
pairs-next-ended = Работа пары закончена.
pairs-mine-title = <b>Моя пара</b>
pairs-mine-none = { $young ->
    [yes] У тебя пока нет пары. Куратор подберёт наставника.
   *[no] У вас пока нет пары. Куратор программы сообщит, когда она появится.
}
pairs-mine-card-mentor =
    <b>{ $kind } № { $id }</b> · { $status }
    Наставляемые: { $partner }
    { $next }
pairs-mine-card-mentee = { $young ->
    [yes] <b>Твоя пара</b> · { $status }
        Наставник: { $partner }
        { $next }
   *[no] <b>Ваша пара</b> · { $status }
        Наставник: { $partner }
        { $next }
}
pairs-agreement-title = <b>Соглашение о сотрудничестве</b>
pairs-agreement-accepted = ✅ Соглашение принято.
pairs-button-accept = ✅ Принимаю соглашение
pairs-accepted = Спасибо! Соглашение принято.
pairs-accepted-many = Спасибо! Соглашение принято — сразу для всех ваших пар с этим соглашением: { $count }.
pairs-button-contact = 💬 Написать: { $name }
pairs-contact-off = Контакты в этой программе передаёт куратор.
pairs-contact-off-minor = { $young ->
    [yes] Общайтесь с наставником на встречах в школе. Если что-то срочное — скажи куратору или классному руководителю.
   *[no] В паре с ребёнком прямой связи через Telegram нет: общайтесь на встречах и через куратора. Включить её может куратор программы (родители об этом узнают).
}
pairs-button-minor-contact-on = 👶 Чат с детьми: включён
pairs-button-minor-contact-off = 👶 Чат с детьми: выключен
# Родителю: куратор включил прямую связь наставника с ребёнком. $child, $partner, $programme.
pairs-notice-minor-contact =
    ℹ️ В программе наставничества «{ $programme }» куратор включил прямую связь в Telegram между { $child } и { $partner }: теперь они могут писать друг другу напрямую.
    Если вы против, напишите куратору программы или классному руководителю.
pairs-button-answer = 📨 Ответить: { $name }

# the mentee's choice
pairs-choice-title = { $young ->
    [yes] <b>Выбери наставника.</b> Куратор предложил тех, кто может тебе помочь:
   *[no] <b>Выберите наставника.</b> Куратор предложил тех, кто может вам помочь:
}
pairs-choice-candidate =
    <b>{ $name }</b>
    Поможет с: { $helps }
    Когда встречается: { $times }
pairs-choice-unknown = не указано
pairs-choice-pick = Выбрать: { $name }
pairs-button-others = 🔄 Попросить других
pairs-choice-chosen = { $young ->
    [yes] Готово! { $name } получит сообщение и ответит в течение 3 дней.
   *[no] Готово! { $name } получит сообщение и ответит в течение 3 дней.
}
pairs-choice-waiting = { $young ->
    [yes] Ты выбрал(а): { $name }. Ждём ответа наставника.
   *[no] Вы выбрали: { $name }. Ждём ответа наставника.
}
pairs-choice-others-sent = Куратор получил просьбу подобрать других наставников.

# the chosen mentor's answer
pairs-answer-title = { $young ->
    [yes] <b>{ $name }</b> выбрал(а) тебя наставником. Ответь в течение 3 дней.
   *[no] <b>{ $name }</b> выбрал(а) вас наставником. Ответьте в течение 3 дней.
}
pairs-button-yes = ✅ Согласен(на)
pairs-button-no = ❌ Не могу
pairs-decline-ask = { $young ->
    [yes] Коротко напиши причину (её увидит только куратор) или нажми «Пропустить».
   *[no] Коротко напишите причину (её увидит только куратор) или нажмите «Пропустить».
}
pairs-button-skip = Пропустить
pairs-answer-accepted = Спасибо! Куратор утвердит пару.
pairs-answer-declined = Понятно, куратор подберёт другого наставника.

# --- notices (through the outbox) ----------------------------------------------------------
pairs-notice-proposed = { $side ->
    [mentor] { $young ->
        [yes] 🤝 Куратор предлагает тебе { $count ->
            [one] пару: наставляемый — { $partner }.
           *[other] группу: { $partner }.
        } Когда куратор её утвердит, здесь появится соглашение.
       *[no] 🤝 Куратор предлагает вам { $count ->
            [one] пару: наставляемый — { $partner }.
           *[other] группу: { $partner }.
        } Когда куратор утвердит её, здесь появится соглашение.
    }
   *[mentee] { $young ->
        [yes] 🤝 Куратор подобрал тебе наставника: { $partner }. Скоро пара начнёт работу.
       *[no] 🤝 Куратор предлагает вам наставника: { $partner }. Скоро пара начнёт работу.
    }
}
pairs-notice-active = { $side ->
    [mentor] { $young ->
        [yes] 🤝 Пара начала работу. Твои наставляемые: { $partner }.
            Нажми «Открыть «Моя пара»» ниже: там соглашение — прими его кнопкой.
            Следующий шаг — договоритесь о первой встрече.
       *[no] 🤝 Пара начала работу. Ваши наставляемые: { $partner }.
            Нажмите «Открыть «Моя пара»» ниже: там соглашение о сотрудничестве — примите его кнопкой.
            Следующий шаг — договоритесь об организационной встрече.
    }
   *[mentee] { $young ->
        [yes] 🤝 Твоя пара начала работу! Твой наставник — { $partner }.
            Нажми «Открыть «Моя пара»» ниже: там соглашение — прими его кнопкой.
            Следующий шаг — договоритесь о первой встрече, чтобы познакомиться.
       *[no] 🤝 Пара начала работу. Ваш наставник — { $partner }.
            Нажмите «Открыть «Моя пара»» ниже: там соглашение о сотрудничестве — примите его кнопкой.
            Следующий шаг — договоритесь об организационной встрече.
    }
}
pairs-notice-ended = { $young ->
    [yes] Работа твоей пары { $outcome ->
        [completed] завершена. Спасибо тебе!
       *[other] прекращена. Если есть вопросы, напиши куратору.
    }
   *[no] Работа пары ({ $partner }) { $outcome ->
        [completed] завершена. Спасибо!
       *[other] прекращена куратором.
    }
}
pairs-notice-mentor-new = { $young ->
    [yes] 🤝 Теперь ты наставник: { $partner }. Открой /start → «Моя пара», чтобы принять соглашение.
   *[no] 🤝 Вы — новый наставник: { $partner }. Откройте /start → «Моя пара», чтобы принять соглашение.
}
pairs-notice-mentor-removed = { $young ->
    [yes] Куратор назначил другого наставника для: { $partner }. Спасибо тебе за работу!
   *[no] Куратор назначил другого наставника для: { $partner }. Спасибо за вашу работу!
}
pairs-notice-mentor-replaced = { $young ->
    [yes] 🔁 У тебя новый наставник — { $partner }. Ваш план и встречи сохранились.
   *[no] 🔁 Ваш новый наставник — { $partner }. План и встречи пары сохранены.
}
pairs-notice-choice-offered = { $young ->
    [yes] 🗳 Куратор подобрал тебе наставников ({ $count }). Нажми «🗳 Выбрать наставника» ниже и выбери одного.
   *[no] 🗳 Куратор предложил вам наставников ({ $count }). Нажмите «🗳 Выбрать наставника» ниже и выберите одного.
}
pairs-notice-choice-chosen = { $young ->
    [yes] 📨 { $partner } выбрал(а) тебя наставником. Ответь в течение { $days } дн.: /start → «Моя пара».
   *[no] 📨 { $partner } выбрал(а) вас наставником. Ответьте в течение { $days } дн.: /start → «Моя пара».
}
pairs-notice-choice-reminder = { $young ->
    [yes] ⏰ Напоминание: { $partner } ждёт твоего ответа. Осталось { $days } дн.: /start → «Моя пара».
   *[no] ⏰ Напоминание: { $partner } ждёт вашего ответа. Осталось { $days } дн.: /start → «Моя пара».
}
pairs-notice-choice-accepted = { $young ->
    [yes] 🎉 { $partner } согласен(на) быть твоим наставником! Куратор скоро утвердит пару.
   *[no] 🎉 { $partner } согласен(на) быть вашим наставником. Куратор утвердит пару.
}
pairs-notice-choice-accepted-curator = { $partner } согласен(на) наставлять: { $name }. Утвердите пару в /pairs.
pairs-notice-choice-declined = { $young ->
    [yes] { $partner } сейчас не может быть наставником. Куратор предложит тебе других.
   *[no] { $partner } сейчас не может быть наставником. Куратор предложит других.
}
pairs-notice-choice-declined-curator = { $partner } отказался(ась) наставлять: { $name }. Причина: { $reason }. Предложите других в /pairs.
pairs-notice-choice-expired = { $young ->
    [yes] { $partner } не ответил(а) за 3 дня. Куратор предложит тебе других.
   *[no] { $partner } не ответил(а) за 3 дня. Куратор предложит других.
}
pairs-notice-choice-expired-curator = { $partner } не ответил(а) за 3 дня на выбор: { $name }. Предложите других в /pairs.
pairs-notice-choice-others-curator = { $name } просит предложить других наставников: /pairs.
pairs-notice-changed-curator-head = 🤝 Коллеги изменили пары за этот час ({ $count }):
pairs-notice-changed-curator-line = • { $by } { $event ->
    [proposed] предложил(а) пару
    [active] утвердил(а) пару
    [completed] завершил(а) пару
    [replaced] заменил(а) наставника в паре
   *[terminated] прекратил(а) пару
} в «{ $programme }»: { $mentor } → { $mentees }{ $event ->
    [replaced] {" "}(прежний наставник — { $old })
   *[other] {""}
}
pairs-notice-changed-curator = 🤝 { $by } { $event ->
    [proposed] предложил(а) пару
    [active] утвердил(а) пару
    [completed] завершил(а) пару
    [replaced] заменил(а) наставника в паре
   *[terminated] прекратил(а) пару
} в программе «{ $programme }»: наставник — { $mentor }, наставляемые — { $mentees }.{ $event ->
    [replaced] {" "}Прежний наставник — { $old }.
   *[other] {""}
}

# --- the plan -------------------------------------------------------------------------
plan-choose = <b>План развития.</b> { $young ->
    [yes] Чей план открыть?
   *[no] Чей план открыть?
}
plan-none = { $young ->
    [yes] План появится, когда твоя пара начнёт работу.
   *[no] План появляется, когда пара начинает работу.
}
plan-title = <b>План развития: { $name }</b>
plan-empty = { $young ->
    [yes] Пока пусто. Добавь цель или задачу.
   *[no] Пока пусто. Добавьте цель или задачу.
}
plan-item-line = { $icon } { $kind }: { $title }{ $due }
plan-due = , до { $date }
plan-kind-goal = Цель
plan-kind-task = Задача
plan-status-planned = запланировано
plan-status-in_progress = в работе
plan-status-done = выполнено
plan-status-dropped = отменено
plan-button-goal = ➕ Цель
plan-button-task = ➕ Задача
plan-ask-title = { $young ->
    [yes] { $kind }: напиши коротко, одним сообщением.
   *[no] { $kind }: напишите коротко, одним сообщением.
}
plan-ask-due = Срок?
plan-due-none = Без срока
plan-due-week = Через неделю
plan-due-month = Через месяц
plan-due-quarter = Через 3 месяца
plan-added = Добавлено.
plan-item-card =
    <b>{ $kind }</b>: { $title }
    Срок: { $due }
    Статус: { $status }
plan-due-unset = не задан
plan-status-set = Статус: { $status }
plan-notice-changed = 📝 { $young ->
    [yes] { $by } обновил(а) твой план развития:
   *[no] { $by } обновил(а) план развития:
}
plan-notice-line = • { $what ->
    [added] добавлено — { $kind }: «{ $title }»
   *[status] { $kind } «{ $title }»: { $status }
}
plan-progress-title = <b>Планы развития</b> программы «{ $programme }»:
plan-progress-line = № { $pair }: { $name } — выполнено { $done } из { $total }, в работе { $in_progress }
plan-progress-none = Работающих пар пока нет.

# --- errors -------------------------------------------------------------------------------
error-pairs-not-participant = Этот человек не участвует в программе (или выбыл).
error-pairs-wrong-role = Наставник и наставляемые выбраны неверно.
error-pairs-consent-incomplete = Согласие одного из участников не оформлено полностью: в пару его пока включить нельзя.
error-pairs-mentee-taken = У этого наставляемого уже есть пара.
error-pairs-no-mentee = Выберите хотя бы одного наставляемого.
error-pairs-suggestion-gone = Это предложение уже неактуально: наставляемый в паре, выбыл или у наставника не осталось мест. Список обновлён.
error-pairs-not-proposed = Эту пару уже утвердили или завершили.
error-pairs-outcome = Такого итога нет.
error-pairs-not-live = Эта пара уже завершена.
error-pairs-reason = Выберите причину из списка или напишите свою.
error-pairs-same-mentor = Это и есть нынешний наставник пары.
error-pairs-no-pair = Отметьте хотя бы одну пару.
error-pairs-not-active = Пара ещё не работает (или уже завершена).
error-pairs-choice-count = На выбор предлагают двух или трёх наставников.
error-pairs-choice-closed = Этот выбор уже сделан или закрыт.
error-pairs-capacity = Наставник может взять от 1 до 10 наставляемых.
error-pairs-order = Напишите номер и дату, например: 45-о от 01.10.2026
error-plan-kind = Можно добавить цель или задачу.
error-plan-too-many = В плане уже слишком много пунктов.
error-plan-status = Такого статуса нет.
