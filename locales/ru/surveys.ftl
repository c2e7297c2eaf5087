## Questionnaires: answering (a child, `young` = yes, is spoken to with «ты»)

command-survey = Анкеты
command-surveys = Анкеты программы (куратор)

survey-choose = Анкеты, которые ждут ответа:
survey-none = Сейчас нет анкет, которые ждут ответа.
survey-btn-menu = « В меню
survey-btn-next = Готово →
survey-btn-submit = ✅ Отправить
survey-btn-restart = ✏️ Изменить ответы
survey-btn-back = ← Назад
survey-btn-skip = Пропустить →
survey-btn-later = ⏸ Продолжить позже
survey-counter = Вопрос { $number } / { $total }
survey-multi-hint = { $young ->
    [yes] <i>Можешь выбрать несколько вариантов, потом нажми «Готово».</i>
   *[no] <i>Можно выбрать несколько вариантов, затем «Готово».</i>
}
survey-text-hint = { $young ->
    [yes] <i>Напиши ответ сообщением.</i>
   *[no] <i>Ответ — сообщением.</i>
}
survey-scale-hint = { $young ->
    [yes] <i>Нажми число от 1 до { $max } (или напиши его).</i>
   *[no] <i>Выберите число от 1 до { $max } (или напишите его).</i>
}
survey-optional = { $young ->
    [yes] <i>Если не хочешь отвечать, нажми «Пропустить →».</i>
   *[no] <i>Этот вопрос можно пропустить.</i>
}
survey-your-answer = Сейчас отмечено: { $answer }
survey-scale-answer = { $value } из { $max }
survey-yes = Да
survey-no = Нет
survey-plain = { $text }
survey-skipped = —
survey-summary = { $young ->
    [yes] Всё верно? Проверь перед отправкой:
   *[no] Всё ли верно? Проверка перед отправкой:
}
survey-summary-line = { $number }. { $question } — <b>{ $answer }</b>
survey-already-submitted = Эта анкета уже отправлена. Спасибо!
survey-closed-text = Срок этой анкеты прошёл.
survey-thanks = Спасибо! Ответы отправлены, изменить их больше нельзя.
survey-saved-for-later = { $young ->
    [yes] Ответы сохранены. Продолжить можешь командой /survey.
   *[no] Ответы сохранены. Продолжить можно командой /survey.
}

error-survey-launch = Такую анкету запустить нельзя.
error-survey-deadline-past = Срок не может быть в прошлом.
error-survey-closed = Срок этой анкеты прошёл.
error-survey-submitted = Анкета уже отправлена: ответы изменить нельзя.
error-survey-stale = { $young ->
    [yes] Эта кнопка от другого вопроса. Отвечай под последним сообщением.
   *[no] Эта кнопка от другого вопроса. Ответ — под последним сообщением.
}
error-survey-use-buttons = { $young ->
    [yes] Здесь ответь кнопкой под вопросом.
   *[no] Ответ здесь — кнопкой под вопросом.
}
error-survey-choose-one = { $young ->
    [yes] Выбери хотя бы один вариант.
   *[no] Нужно выбрать хотя бы один вариант.
}
error-survey-required = { $young ->
    [yes] На этот вопрос ответь, пожалуйста: его нельзя пропустить.
   *[no] На этот вопрос нужен ответ: пропустить его нельзя.
}
error-survey-unanswered = { $young ->
    [yes] Ты пропустил(а) вопрос — он на экране, ответь на него.
   *[no] Остался вопрос без ответа — он на экране.
}
error-survey-scale = { $young ->
    [yes] Нужно число от 1 до { $max }: нажми кнопку или напиши цифру.
   *[no] Нужно число от 1 до { $max }: кнопкой или цифрой.
}
error-survey-text-empty = { $young ->
    [yes] Здесь напиши ответ текстом, одним сообщением.
   *[no] Ответ здесь — текстом, одним сообщением.
}
error-survey-text-long = { $young ->
    [yes] Слишком длинный ответ ({ $length } знаков): напиши короче, до { $max }.
   *[no] Слишком длинный ответ ({ $length } знаков): можно до { $max }.
}

## Notifications to participants (rendered at send time)

survey-invite-message = { $young ->
    [yes] 📝 Новая анкета: { $wave ->
        [entry] входная
        [intermediate] промежуточная
        [exit] итоговая
       *[pulse] короткий опрос
    }. Ответь до { $deadline }. Начать — /survey
   *[no] 📝 Новая анкета: { $wave ->
        [entry] входная
        [intermediate] промежуточная
        [exit] итоговая
       *[pulse] короткий опрос
    }. Ответить до { $deadline }. Начать — /survey
}
survey-reminder-message = { $young ->
    [yes] ⏰ Напоминание: анкета ждёт ответа до { $deadline }. Продолжить — /survey
   *[no] ⏰ Напоминание: анкета ждёт ответа до { $deadline }. Продолжить — /survey
}

## /surveys for the curator

surveys-choose-programme = Анкеты: выберите программу.
surveys-no-programmes = Анкеты запускает куратор программы. Программ, где вы куратор, нет.
surveys-no-programmes-admin = Программ пока нет ни в одной школе. Создайте программу в /programmes — затем здесь можно будет запускать анкеты.
surveys-programme = <b>{ $name }</b>
surveys-pulse-on = Короткий опрос-пульс: включён ({ $first }-й день, затем каждые { $every } дн.).
surveys-pulse-off = Короткий опрос-пульс: выключен (когда включите — { $first }-й день, затем каждые { $every } дн.).
surveys-btn-pulse-timing = 🗓 Когда проводить пульс
surveys-pulse-timing = <b>Когда проводить пульс</b>
    Сейчас: первый раз на { $first }-й день программы, затем каждые { $every } дн.{ $on ->
        [yes] {""}
       *[no] {" "}Пульс выключен — сроки сохранятся до включения.
    }
    Верхний ряд — день первого опроса, нижний — как часто повторять.
surveys-btn-pulse-first = { $days }-й день
surveys-btn-pulse-every = каждые { $days } дн.
surveys-pulse-timing-set = Пульс: { $first }-й день, затем каждые { $every } дн.
error-survey-pulse-timing = Такой срок выбрать нельзя: выберите кнопкой.
surveys-waves = Анкеты (ответили / приглашены):
surveys-no-waves = Анкет пока не было.
surveys-wave-line = • { $kind }, до { $deadline }: { $submitted } / { $invited }
surveys-kind-entry = Входная
surveys-kind-intermediate = Промежуточная
surveys-kind-exit = Итоговая
surveys-kind-pulse = Пульс
surveys-btn-launch = ➕ Запустить анкету
surveys-btn-results = 📊 Итоги: вход → выход
surveys-btn-pulse-on = 🔁 Включить пульс
surveys-btn-pulse-off = ⏹ Выключить пульс
surveys-pulse-switched-on = Пульс включён.
surveys-pulse-switched-off = Пульс выключен.
surveys-launch-choose = Какую анкету запустить?
surveys-launch-entry = Входная (наставники и наставляемые)
surveys-launch-intermediate = Промежуточная (участники)
surveys-launch-exit = Итоговая (участники)
surveys-launch-pulse = Пульс сейчас (участники)
surveys-launch-conditions = Условия программы (кураторы)
surveys-launch-swot = SWOT (кураторы)
surveys-deadline-choose = Срок ответа: выберите кнопкой или напишите дату (ДД.ММ.ГГГГ).
surveys-btn-days = { $days } дн. — до { $date }
surveys-deadline-format = Напишите дату как 25.11.2026 или выберите срок кнопкой.
surveys-launched = Анкета запущена: приглашено { $count }. Каждый получит сообщение с кнопкой «начать» на своём языке.
surveys-wave-head = <b>{ $kind }</b>, срок до { $deadline }. Ответили: { $submitted } из { $invited }.
surveys-closed = Срок прошёл: кто не ответил — «не ответил(а)», без нулей в итогах.
surveys-person-line = { $icon } { $name } ({ $role }) — { $status }
surveys-no-name = без имени
surveys-more = …и ещё { $count }
surveys-role-mentor = наставник
surveys-role-mentee = наставляемый
surveys-role-curator = куратор
surveys-status-submitted = ответил(а)
surveys-status-started = отвечает
surveys-status-not-started = не начинал(а)
surveys-status-missing = не ответил(а)
surveys-btn-remind = 🔔 Напомнить не ответившим
surveys-reminded = Напоминание отправлено: { $count }.
surveys-results-head = <b>Итоги анкет: { $name }</b>
surveys-completion-line = • { $kind }: ответили { $submitted } из { $invited } ({ $rate }%){ $missing ->
    [0] {""}
   *[other] , не ответили: { $missing }
}
surveys-index = Индекс удовлетворённости (0–100): на входе { $entry }, на выходе { $exit }
surveys-items-head = Средние по пунктам (вход → выход, изменение):
surveys-item-line = • { $question } ({ $role }): { $entry } → { $exit } ({ $change })
surveys-btn-xlsx = 📄 Файл XLSX
surveys-btn-chart = 📈 График
surveys-xlsx-caption = Анкеты: ответы и сравнение — { $name }
surveys-chart-caption = Вход и выход: средние по пунктам — { $name }
surveys-xlsx-sheet-items = Сравнение
surveys-xlsx-sheet-people = Участники
surveys-xlsx-sheet-completion = Заполнение
surveys-xlsx-sheet-raw = Ответы
surveys-xlsx-role = Роль
surveys-xlsx-item = Пункт
surveys-xlsx-question = Вопрос
surveys-xlsx-question-exit = Вопрос итоговой анкеты
surveys-xlsx-entry-n = Ответов на входе
surveys-xlsx-entry-mean = Среднее на входе
surveys-xlsx-exit-n = Ответов на выходе
surveys-xlsx-exit-mean = Среднее на выходе
surveys-xlsx-change = Изменение
surveys-xlsx-entry-dist = Распределение на входе
surveys-xlsx-exit-dist = Распределение на выходе
surveys-xlsx-index-entry = Индекс удовлетворённости на входе
surveys-xlsx-index-exit = Индекс удовлетворённости на выходе
surveys-xlsx-name = Участник
surveys-xlsx-entry = Вход
surveys-xlsx-exit = Выход
surveys-xlsx-wave = Анкета
surveys-xlsx-deadline = Срок
surveys-xlsx-invited = Приглашено
surveys-xlsx-submitted = Ответили
surveys-xlsx-missing = Не ответили
surveys-xlsx-rate = Заполнение, %
surveys-xlsx-answer = Ответ
surveys-xlsx-submitted-at = Отправлено (время школы)
surveys-chart-role-mentee = Наставляемые
surveys-chart-role-mentor = Наставники
surveys-chart-title = { $role }: вход → выход
surveys-chart-title-page = { $role }: вход → выход ({ $page } из { $pages })
surveys-xlsx-yes = да
surveys-xlsx-no = нет

menu-surveys = 📝 Анкеты ждут ответа: { $open_surveys }
staff-menu-surveys = 📋 Анкеты программы

surveys-scope-choose = Кому отправить анкету?
surveys-btn-whole = 👥 Всей программе
surveys-btn-pairs = 🔗 Выбрать пары
surveys-pairs-choose = Отметьте пары (наставник — наставляемые), затем «Готово».
error-survey-pairs = Отметьте хотя бы одну пару этой программы.
